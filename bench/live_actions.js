// Shared by the live-page benchmarks (bench/circuits.js, bench/instances_live.js): Playwright for Node, and the in-page
// actions. Each in-page function runs inside the page (Playwright serialises it), so it must not use anything from this
// file's scope.
'use strict';
const fs = require('fs');
const path = require('path');

/** Playwright for Node: the package the test project's build brings (or PLAYWRIGHT_NODE_PACKAGE). */
function playwright() {
  const candidates = [process.env.PLAYWRIGHT_NODE_PACKAGE,
    path.join(__dirname, '../tests/Prospector.Tests/bin/Release/net10.0/.playwright/package')].filter(Boolean);
  for (const c of candidates) if (fs.existsSync(c)) return require(c);
  throw new Error('Playwright for Node not found: build tests/Prospector.Tests (Release) or set PLAYWRIGHT_NODE_PACKAGE');
}

// Timed with performance.now() inside the page: no Playwright protocol round trip in the figure.
// Watches for Blazor's reconnect UI (the circuit's connection dropped) from the start of each page.
const WATCH = () => {
  window.__drops = 0;
  const seen = new WeakSet();
  const check = () => {
    const m = document.getElementById('components-reconnect-modal');
    if (m && !seen.has(m) && (/components-reconnect-(show|failed|rejected)/.test(m.className) || m.open)) { seen.add(m); window.__drops++; }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'open'] });
};

// Contacts: the "Not contacted recently" switch or a stage picked in the Stage select; done when the grid's data-loads changed.
async function contactsClick(kind) {
  const until = (cond, ms = 30000) => new Promise((res, rej) => {
    if (cond()) return res();
    const mo = new MutationObserver(() => { if (cond()) { mo.disconnect(); clearTimeout(t); res(); } });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    const t = setTimeout(() => { mo.disconnect(); rej(new Error('timeout')); }, ms);
  });
  const grid = () => document.querySelector('[data-testid=contacts-grid]');
  const before = grid().getAttribute('data-loads');
  let t0;
  if (kind === 'switch') {
    t0 = performance.now();
    const sw = document.querySelector('[data-testid=contacts-stale]');
    (sw.matches('input') ? sw : sw.querySelector('input')).click();
  } else {
    // The Stage select was opened by the caller (a round trip of its own, not timed): pick a stage other than the current one.
    const items = [...document.querySelectorAll('.mud-popover-open .mud-list-item')].filter(i => i.getAttribute('aria-selected') !== 'true' && !i.classList.contains('mud-selected-item'));
    const item = items[Math.floor(Math.random() * items.length)];
    t0 = performance.now();
    item.click();
  }
  await until(() => grid().getAttribute('data-loads') !== before);
  return performance.now() - t0;
}

// Board: the "Rotting only" switch; done when the server's marker moved on (data-cards = loads:count:id sum) and the cards in
// the DOM are the ones it says it shows.
async function boardClick() {
  const until = (cond, ms = 30000) => new Promise((res, rej) => {
    if (cond()) return res();
    const mo = new MutationObserver(() => { if (cond()) { mo.disconnect(); clearTimeout(t); res(); } });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    const t = setTimeout(() => { mo.disconnect(); rej(new Error('timeout')); }, ms);
  });
  const marker = () => document.querySelector('[data-testid=board-shown]').getAttribute('data-cards');
  const shown = () => { const ids = [...document.querySelectorAll('[data-testid=card]')].map(c => +c.dataset.id); return `${ids.length}:${ids.reduce((a, b) => a + b, 0)}`; };
  const before = marker();
  const t0 = performance.now();
  const sw = document.querySelector('[data-testid=stale-only]');
  (sw.matches('input') ? sw : sw.querySelector('input')).click();
  await until(() => marker() !== before && shown() === marker().split(':').slice(1).join(':'));
  return performance.now() - t0;
}

module.exports = { playwright, WATCH, contactsClick, boardClick };
