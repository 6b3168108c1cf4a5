// A live page when the instance that holds its circuit is killed (issue #15 point 6). Started by bench/instances.sh.
//   node bench/instances_live.js BASEURL EMAIL PASSWORD PIDS
// BASEURL: a sticky nginx port (ip_hash) that adds the X-Upstream header (the instance's host:port) to every answer.
// PIDS: "host:port=pid,host:port=pid", the instances behind it.
// Signs in through the form, opens /contacts and the board in two tabs, checks a filter works on each, kill -9s the
// instance that served them, then waits (condition, at most 90 s) until each tab is a working page again and checks a
// filter there. Prints one JSON object on stdout.
'use strict';
// Playwright for Node and the timed in-page actions, shared with the other live-page benchmark.
const { playwright, WATCH, contactsClick, boardClick } = require('./live_actions');

const { chromium } = playwright();
const [base, email, password, pidList] = process.argv.slice(2);
const pids = Object.fromEntries(pidList.split(',').map(kv => kv.split('=')));
const sleep = ms => new Promise(r => setTimeout(r, ms));
const log = s => process.stderr.write(`[live ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-dev-shm-usage'] });
  const ctx = await browser.newContext({ baseURL: base, locale: 'en-GB', viewport: { width: 1440, height: 900 } });
  await ctx.addInitScript(WATCH);
  const signIn = await ctx.newPage();
  await signIn.goto('/account/login');
  await signIn.fill('#email', email); await signIn.fill('#password', password);
  await signIn.click('button[type=submit]');
  await signIn.waitForURL(x => !x.pathname.startsWith('/account/login'), { timeout: 60000 }).catch(async (e) => {
    const text = (await signIn.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
    throw new Error(`sign-in through ${base} did not leave ${signIn.url()}: ${text}`);
  });
  await signIn.close();

  // Something to show: a few leads, half of them with a deal in the first step (through the API, with the session).
  const api = ctx.request;
  const check = async (r) => { if (!r.ok()) throw new Error(`${r.url()}: ${r.status()} ${await r.text()}`); return r.json(); };
  const step = (await check(await api.get('/api/v1/pipelines')))[0].steps[0].id;
  const soon = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  for (let i = 0; i < 12; i++) {
    const contact = await check(await api.post('/api/v1/contacts', { data: { firstName: 'Live', lastName: `Page ${i}`, stage: 'Lead' } }));
    if (i % 2 === 0) await check(await api.post('/api/v1/opportunities', { data: { contactId: contact.id, stepId: step, title: `Live deal ${i}`,
      amount: 1000, expectedCloseDate: soon, nextAction: { type: 'Call', dueDate: soon } } }));
  }

  // Each tab: the instances that served its documents (X-Upstream of each page load), in order.
  const tab = async (board) => {
    const page = await ctx.newPage();
    const t = { board, page, servedBy: [], errors: [] };
    page.on('response', r => { if (r.request().isNavigationRequest()) t.servedBy.push(r.headers()['x-upstream'] || '?'); });
    page.on('pageerror', e => t.errors.push(String(e)));
    await page.goto(board ? '/pipeline' : '/contacts', { timeout: 120000 });
    return t;
  };
  // A working page: interactive (the circuit is up), its rows or cards drawn, and not the one marked before the kill.
  const ready = (t) => t.page.evaluate((board) => !window.__beforeKill
    && !!document.querySelector('#app-state[data-interactive=yes]')
    && !!document.querySelector(board ? '[data-testid=card]' : '[data-testid=contacts-grid] tbody tr'), t.board).catch(() => false);
  const click = async (t) => {
    if (t.board) return t.page.evaluate(boardClick);
    return t.page.evaluate(contactsClick, 'switch');
  };
  const waitReady = async (t, ms) => { const stop = Date.now() + ms; while (Date.now() < stop) { if (await ready(t)) return true; await sleep(100); } return false; };

  const tabs = [await tab(false), await tab(true)];
  for (const t of tabs) {
    if (!await waitReady(t, 120000)) throw new Error(`${t.board ? 'board' : 'contacts'}: not ready before the kill`);
    t.before = await click(t);
  }
  const victim = tabs[0].servedBy.at(-1);
  if (!pids[victim] || tabs[1].servedBy.at(-1) !== victim) throw new Error(`tabs served by ${tabs.map(t => t.servedBy.at(-1))}, instances ${pidList}`);
  for (const t of tabs) await t.page.evaluate(() => { window.__beforeKill = true; });
  log(`both tabs on ${victim}: kill -9 ${pids[victim]}`);
  const t0 = Date.now();
  process.kill(+pids[victim], 'SIGKILL');

  const results = await Promise.all(tabs.map(async (t) => {
    const ok = await waitReady(t, 90000);
    const r = { page: t.board ? 'board' : 'contacts', recovered: ok, seconds: (Date.now() - t0) / 1000,
      url: new URL(t.page.url()).pathname, servedBy: t.servedBy, filterBefore: t.before, errors: t.errors.slice(0, 3) };
    if (ok) { try { r.filterAfter = await click(t); } catch (e) { r.filterAfter = null; r.errors.push(`click: ${e.message.split('\n')[0]}`); } }
    return r;
  }));
  await browser.close();
  console.log(JSON.stringify({ victim, survivor: Object.keys(pids).find(k => k !== victim), tabs: results }));
})().catch(e => { console.error(e); process.exit(1); });
