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
