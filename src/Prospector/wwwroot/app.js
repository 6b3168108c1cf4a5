// Keyboard shortcuts, as in most web apps. Never while typing in a field.
//  Ctrl+K (Cmd+K): the global search in the app bar.
//  "/": the search box of the current page, else the global search.
//  "L": log an activity on the record being shown.
function typing(t) {
    return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}
function focusGlobalSearch() {
    const box = document.querySelector('[data-global-search] input');
    if (box) { box.focus(); box.select(); return true; }
    return false;
}
document.addEventListener('keydown', e => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 'k' || e.key === 'K')) {
        if (focusGlobalSearch()) e.preventDefault();
        return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    if (document.querySelector('.mud-dialog-container')) return;
    if (e.key === '/') {
        const box = document.querySelector('input[data-search], [data-search] input');
        if (box) { e.preventDefault(); box.focus(); }
        else if (focusGlobalSearch()) e.preventDefault();
    } else if (e.key === 'l' || e.key === 'L') {
        const button = document.getElementById('log-activity');
        if (button) { e.preventDefault(); button.click(); }
    }
});

// Working a prospecting list (ListPage) from the keyboard, from anywhere on the page as soon as it is open, never
// while typing in a field. The keys go to the page in the order they were pressed (the page queues them), so
// "+ Enter" typed fast converts the row even if the form has not been drawn yet.
window.prospectorListKeys = (() => {
    let page = null, owner = null;
    const keys = new Set(['j', 'k', 'ArrowDown', 'ArrowUp', '+', 'c', 'x', 'u', 'n', 'p', 'PageDown', 'PageUp', '?', 'Escape', 'Enter', '1', '2', '3', '4', '5', '6', '7']);
    const clickable = t => t && (t.tagName === 'BUTTON' || t.tagName === 'A' || t.getAttribute('role') === 'button');
    const field = t => typing(t) && !(t.tagName === 'INPUT' && ['checkbox', 'radio', 'button', 'submit'].includes(t.type));
    function onKey(e) {
        if (!page || e.ctrlKey || e.metaKey || e.altKey || e.isComposing || !keys.has(e.key)) return;
        if (document.querySelector('.mud-dialog-container')) return;
        const t = e.target;
        if (e.key === 'Escape') { page.invokeMethodAsync('Key', 'Escape'); return; }
        if (e.key === 'Enter') {
            // Enter on the form's main button, in its note, or with nothing focused confirms; elsewhere it does what it does.
            if (t && (t.hasAttribute('data-confirm') || t.hasAttribute('data-enter-confirms'))) e.preventDefault();
            else if (field(t) || clickable(t)) return;
            page.invokeMethodAsync('Key', 'Enter');
            return;
        }
        if (field(t)) return;
        e.preventDefault();
        page.invokeMethodAsync('Key', e.key);
    }
    return {
        // A page that goes away after the next one came (navigation) must not take that one's keys with it.
        attach(dotnet, id) { page = dotnet; owner = id; document.removeEventListener('keydown', onKey); document.addEventListener('keydown', onKey); },
        detach(id) { if (owner !== id) return; page = null; owner = null; document.removeEventListener('keydown', onKey); },
        focus(selector) { const el = document.querySelector(selector); if (el) el.focus(); },
        reveal() { const row = document.querySelector('#list-grid tr.sheet-current'); if (row) row.scrollIntoView({ block: 'nearest' }); },
    };
})();
