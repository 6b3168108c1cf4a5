// Live pages under load: N signed-in Blazor circuits (one headless chromium, one context each), half on /contacts and half
// on /pipeline, each toggling a filter every few seconds. Started by bench/circuits.sh (which seeds and starts the server);
// prints a Markdown report on stdout.
//   node bench/circuits.js BASEURL SERVER_PID USERS_JSON [--users 50] [--steps 10,25,50] [--seconds 60] [--every 3000]
// USERS_JSON: [{"email":..,"password":..}, ...]; contexts take them in turn (storage state per user: one sign-in each).
'use strict';
// Playwright for Node and the timed in-page actions, shared with the other live-page benchmark.
const { playwright, WATCH, contactsClick, boardClick } = require('./live_actions');
const fs = require('fs');
const os = require('os');

const { chromium } = playwright();

const [base, serverPid, usersJson, ...rest] = process.argv.slice(2);
const opt = { users: 50, steps: null, seconds: 60, every: 3000 };
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const N = +opt.users;
const steps = (opt.steps ? String(opt.steps).split(',').map(Number) : [Math.min(10, N), Math.min(25, N), N])
  .filter((v, i, a) => v > 0 && v <= N && a.indexOf(v) === i);
const users = JSON.parse(usersJson);
const sleep = ms => new Promise(r => setTimeout(r, ms));

// ---- server and machine readings ----
function rssMb() {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${serverPid}/status`, 'utf8'));
  return m ? +m[1] / 1024 : NaN;
}
function cpuSeconds(pid) { // utime + stime of one process
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (+f[11] + +f[12]) / 100;
}
function chromiumCpu() { // every chromium process on the machine that is a child of ours (headless shell and its renderers)
  let sum = 0;
  const mine = new Set([String(process.pid)]);
  const procs = fs.readdirSync('/proc').filter(d => /^\d+$/.test(d));
  const parent = {};
  for (const p of procs) { try { parent[p] = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]; } catch { } }
  let grew = true;
  while (grew) { grew = false; for (const p of procs) if (!mine.has(p) && mine.has(parent[p])) { mine.add(p); grew = true; } }
  mine.delete(String(process.pid));
  for (const p of mine) { try { sum += cpuSeconds(p); } catch { } }
  return sum;
}
const load = () => os.loadavg().map(x => x.toFixed(2)).join(' ');
const pct = (a, p) => { if (!a.length) return NaN; const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };
const f0 = x => Number.isFinite(x) ? x.toFixed(0) : '–';
const f1 = x => Number.isFinite(x) ? x.toFixed(1) : '–';


// ---- the run ----
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-dev-shm-usage'] });
  const out = [];
  const log = s => process.stderr.write(`[circuits ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

  // One sign-in per user through the real form; every context of that user starts from its cookies.
  const states = [];
  for (const u of users) {
    const ctx = await browser.newContext({ baseURL: base, locale: 'en-GB' });
    const page = await ctx.newPage();
    await page.goto('/account/login');
    await page.fill('#email', u.email); await page.fill('#password', u.password);
    await page.click('button[type=submit]');
    await page.waitForURL(x => !x.pathname.startsWith('/account/login'), { timeout: 60000 });
    states.push(await ctx.storageState());
    await ctx.close();
  }
  log(`signed in ${users.length} users`);

  const open = async (i) => {
    const ctx = await browser.newContext({ baseURL: base, locale: 'en-GB', storageState: states[i % states.length], viewport: { width: 1440, height: 900 } });
    await ctx.addInitScript(WATCH);
    const page = await ctx.newPage();
    const board = i % 2 === 1;
    const errors = [];
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', e => errors.push(String(e)));
    await page.goto(board ? '/pipeline' : '/contacts', { timeout: 120000 });
    await page.waitForSelector('#app-state[data-interactive=yes]', { state: 'attached', timeout: 120000 });
    if (board) await page.waitForSelector('[data-testid=card]', { timeout: 120000 });
    else await page.waitForSelector('[data-testid=contacts-grid] tbody tr', { timeout: 120000 });
    return { ctx, page, board, errors, i, user: users[i % users.length].email };
  };
  const click = async (c, kind) => {
    if (c.board) return c.page.evaluate(boardClick);
    if (kind === 'select') {
      await c.page.getByTestId('stage-filter').click({ timeout: 30000 });
      await c.page.locator('.mud-popover-open .mud-list-item').first().waitFor({ timeout: 30000 });
    }
    return c.page.evaluate(contactsClick, kind);
  };

  // 1. Warm-up and baseline: one user alone, 15 interactions on each page (after 3 not counted).
  const baseline = { contacts: [], board: [] };
  for (const which of [0, 1]) {
    const c = await open(which);
    for (let k = 0; k < 18; k++) {
      const ms = await click(c, k % 2 ? 'switch' : 'select');
      if (k >= 3) baseline[c.board ? 'board' : 'contacts'].push(ms);
      await sleep(300);
    }
    await c.ctx.close();
  }
  log(`baseline: contacts p50 ${f0(pct(baseline.contacts, 50))} ms, board p50 ${f0(pct(baseline.board, 50))} ms`);

  // 2. Memory per idle circuit: RSS before, then with N circuits open and idle (each after a settle of 20 s).
  const settle = async () => { await sleep(20000); const r = []; for (let k = 0; k < 5; k++) { r.push(rssMb()); await sleep(1000); } return Math.min(...r); };
  const rss0 = await settle();
  const load0 = load();
  log(`idle RSS with no open page: ${f0(rss0)} MB; opening ${N} circuits`);
  const clients = [];
  const tOpen = Date.now();
  // Opened in batches of 5 (50 page loads at once would time out on 2 cores before anything is measured).
  // The contacts pages first, then the boards, so that each page's share is measured on its own.
  const openAll = async (ids) => { for (let i = 0; i < ids.length; i += 5) clients.push(...await Promise.all(ids.slice(i, i + 5).map(open))); };
  const ids = [...Array(N).keys()];
  await openAll(ids.filter(i => i % 2 === 0));
  const rssContacts = await settle();
  await openAll(ids.filter(i => i % 2 === 1));
  clients.sort((a, b) => a.i - b.i);
  const openSeconds = (Date.now() - tOpen) / 1000;
  const nContacts = Math.ceil(N / 2), nBoards = N - nContacts;
  await sleep(5000);
  const idleCpu0 = cpuSeconds(serverPid), idleT0 = Date.now();
  const rssIdle = await settle();
  const idleCpu = (cpuSeconds(serverPid) - idleCpu0) / ((Date.now() - idleT0) / 1000);
  const perCircuit = (rssIdle - rss0) / N;
  log(`${N} idle circuits: RSS ${f0(rssIdle)} MB, ${f1(perCircuit)} MB each`);

  // 3. Active phases: the first n clients click every `every` ms (± 50 % jitter) for `seconds`; the rest stay open and idle.
  const phases = [];
  for (const n of steps) {
    const active = clients.slice(0, n);
    const lat = { contacts: [], board: [] };
    let failures = 0, rssMax = 0;
    const cpuS0 = cpuSeconds(serverPid), cpuC0 = chromiumCpu(), t0 = Date.now();
    const stop = t0 + opt.seconds * 1000;
    const sampler = setInterval(() => { rssMax = Math.max(rssMax, rssMb()); }, 500);
    await Promise.all(active.map(async (c, j) => {
      await sleep(Math.random() * +opt.every);
      let k = j;
      while (Date.now() < stop) {
        try { lat[c.board ? 'board' : 'contacts'].push(await click(c, k++ % 2 ? 'switch' : 'select')); }
        catch (e) { failures++; c.errors.push(`click: ${e.message.split('\n')[0]}`); }
        await sleep(+opt.every * (0.5 + Math.random()));
      }
    }));
    clearInterval(sampler);
    const secs = (Date.now() - t0) / 1000;
    phases.push({ n, lat, failures, rssMax, secs, serverCpu: cpuSeconds(serverPid) - cpuS0, clientCpu: chromiumCpu() - cpuC0, load: load() });
    log(`${n} active: contacts p95 ${f0(pct(lat.contacts, 95))} ms, board p95 ${f0(pct(lat.board, 95))} ms, RSS max ${f0(rssMax)} MB, load ${load()}`);
  }

  // 4. Dropped circuits: the reconnect UI was shown, or a page reported an error.
  let dropped = 0, withErrors = 0;
  const errorSamples = [];
  for (const c of clients) {
    const drops = await c.page.evaluate(() => window.__drops).catch(() => 1);
    if (drops > 0) dropped++;
    if (c.errors.length) { withErrors++; errorSamples.push(`${c.board ? 'board' : 'contacts'} #${c.i}: ${c.errors[0].slice(0, 160)}`); }
  }
  const rssEnd = rssMb();
  await browser.close();

  const all = [...baseline.contacts, ...baseline.board];
  const row = (name, a, b) => `| ${name} | ${a.length} | ${f0(pct(a, 50))} | ${f0(pct(a, 95))} | ${f0(Math.max(...a))} | ${f1(pct(a, 95) / pct(b, 95))} × |`;
  out.push(`Load average at the start of the idle measurement: ${load0}.`, '');
  out.push('| interaction | n | p50 ms | p95 ms | max ms | p95 / baseline p95 |', '|---|---|---|---|---|---|');
  out.push(row('baseline: contacts, 1 user alone', baseline.contacts, baseline.contacts));
  out.push(row('baseline: board, 1 user alone', baseline.board, baseline.board));
  for (const p of phases) {
    out.push(row(`${p.n} users clicking: contacts`, p.lat.contacts, baseline.contacts));
    out.push(row(`${p.n} users clicking: board`, p.lat.board, baseline.board));
  }
  out.push('', '| users clicking (of ' + N + ' open) | interactions/s | server RSS max MB | server CPU s | chromium CPU s | failed clicks | load average after |', '|---|---|---|---|---|---|---|');
  for (const p of phases) out.push(`| ${p.n} | ${f1((p.lat.contacts.length + p.lat.board.length) / p.secs)} | ${f0(p.rssMax)} | ${f1(p.serverCpu)} (${f0(100 * p.serverCpu / p.secs)} % of a core) | ${f1(p.clientCpu)} (${f0(100 * p.clientCpu / p.secs)} %) | ${p.failures} | ${p.load} |`);
  out.push('', '| memory | value |', '|---|---|');
  out.push(`| server RSS, no page open (after warm-up and 20 s settle) | ${f0(rss0)} MB |`);
  out.push(`| server RSS, ${N} idle circuits (20 s settle; opened in ${f0(openSeconds)} s) | ${f0(rssIdle)} MB |`);
  out.push(`| server RSS, the ${nContacts} contacts pages open (20 s settle) | ${f0(rssContacts)} MB |`);
  out.push(`| **per idle circuit** ((idle − none) / ${N}) | **${f1(perCircuit)} MB** |`);
  out.push(`| per idle contacts page ((contacts open − none) / ${nContacts}) | ${f1((rssContacts - rss0) / nContacts)} MB |`);
  out.push(`| per idle board ((all open − contacts open) / ${nBoards}) | ${f1((rssIdle - rssContacts) / Math.max(1, nBoards))} MB |`);
  out.push(`| server CPU while the ${N} circuits sit idle (25 s) | ${f0(100 * idleCpu)} % of a core |`);
  out.push(`| server RSS at the end | ${f0(rssEnd)} MB |`);
  out.push('', `Circuits dropped (Blazor's reconnect UI shown): **${dropped} of ${N}**; pages with a console error or a failed click: ${withErrors}.`);
  for (const e of errorSamples.slice(0, 5)) out.push(`- ${e}`);
  console.log(out.join('\n'));
})().catch(e => { console.error(e); process.exit(1); });
