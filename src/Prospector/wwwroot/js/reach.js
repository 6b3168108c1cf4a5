// "Log the call when you come back": a click on a call, text or mail link ([data-reach]) is remembered; when the rep
// comes back to this tab after it went to the background or lost focus (the dialer, the phone app, the mail program),
// the page is told once, and it opens the log dialog for that record and channel. No third-party script.
let page = null, pending = null, away = false;

function onClick(e) {
    const a = e.target instanceof Element ? e.target.closest('a[data-reach]') : null;
    if (!a) return;
    const number = v => (v ? Number(v) : null);
    pending = { channel: a.dataset.reach, contactId: number(a.dataset.reachContact), companyId: number(a.dataset.reachCompany), name: a.dataset.reachName || null, rowId: number(a.dataset.reachRow) };
    away = false;
}

function onLeave() { if (pending) away = true; }

function onBack() {
    if (!pending || !away || document.visibilityState !== 'visible' || !page) return;
    const p = pending;
    pending = null;
    away = false;
    page.invokeMethodAsync('Returned', p.channel, p.contactId, p.companyId, p.name, p.rowId);
}

function onVisibility() { if (document.visibilityState === 'hidden') onLeave(); else onBack(); }

// Listening from the page's first moment (App.razor imports this module with the page, before Blazor starts): a click
// before the page is interactive is remembered too, and told once the page attaches.
document.addEventListener('click', onClick, true);
document.addEventListener('visibilitychange', onVisibility);
window.addEventListener('blur', onLeave);
window.addEventListener('focus', onBack);
document.documentElement.dataset.reach = 'ready';

export function attach(dotnet) {
    page = dotnet;
    onBack(); // the rep may have come back before the page was interactive
}

export function detach(dotnet) { if (page === dotnet) page = null; }
