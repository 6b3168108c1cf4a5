// "/" focuses the search box of the current page, as in most web apps.
document.addEventListener('keydown', e => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
    const box = document.querySelector('input[data-search], [data-search] input');
    if (box) { e.preventDefault(); box.focus(); }
});
