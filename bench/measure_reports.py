#!/usr/bin/env python3
"""Times the reports API against a running server, next to a `SELECT count(*)` over the lifecycle events measured in the
same run on the same database (the baseline: the cheapest full pass over the biggest table a report reads).

Usage: measure_reports.py BASE_URL PERIOD_QUERY sqlite DB_FILE|postgres PSQL_URI ROLE=TOKEN [ROLE=TOKEN ...]   (env ROUNDS, default 20)
Prints a Markdown table: per report and role, p50/p95 in ms over ROUNDS sequential requests (after 2 warm-up requests) and
p95 as a multiple of the baseline's p95. Exits 1 when a request does not answer 200.
"""
import http.client, os, re, sqlite3, subprocess, sys, time, urllib.parse

base, query, provider, db = sys.argv[1:5]
tokens = [a.split("=", 1) for a in sys.argv[5:]]
rounds = int(os.environ.get("ROUNDS", "20"))
REPORTS = ["funnel", "stage-times", "win-loss", "forecast", "activity", "lists"]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, -(-len(xs) * p // 100) - 1))]  # nearest rank


def baseline():
    sql = 'SELECT count(*) FROM "LifecycleEvents"'
    if provider == "sqlite":
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        times, n = [], 0
        for i in range(rounds + 2):
            t = time.perf_counter()
            n = con.execute(sql).fetchone()[0]
            if i >= 2:
                times.append((time.perf_counter() - t) * 1000)
        return times, n
    script = "\\timing on\n" + f"{sql};\n" * (rounds + 2)
    out = subprocess.run(["psql", db, "-XAt"], input=script, capture_output=True, text=True, check=True).stdout
    times = [float(x) for x in re.findall(r"Time: ([0-9.]+) ms", out)][2:]
    n = int(next(line for line in out.splitlines() if line.strip().isdigit()))
    return times, n


u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)


def timed(path, token):
    t = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    r = conn.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t) * 1000
    if r.status != 200:
        sys.exit(f"{path}: HTTP {r.status} {body[:300]!r}")
    return ms


b, events = baseline()
b50, b95 = pct(b, 50), pct(b, 95)
print(f"| {'request':<34} | {'role':<5} | {'p50 ms':>8} | {'p95 ms':>8} | {'p95 / baseline p95':>18} |")
print(f"|{'-' * 36}|{'-' * 7}|{'-' * 10}|{'-' * 10}|{'-' * 20}|")
print(f"| {'baseline: SELECT count(*) events':<34} | {'-':<5} | {b50:8.2f} | {b95:8.2f} | {1:18.1f} |", flush=True)
worst = 0.0
for name in REPORTS:
    for role, token in tokens:
        path = f"/api/v1/reports/{name}?{query}"
        for _ in range(2):
            timed(path, token)  # warm-up: JIT, query plans, page cache
        xs = [timed(path, token) for _ in range(rounds)]
        p50, p95 = pct(xs, 50), pct(xs, 95)
        worst = max(worst, p95)
        print(f"| {'GET /api/v1/reports/' + name:<34} | {role:<5} | {p50:8.1f} | {p95:8.1f} | {p95 / b95:18.1f} |", flush=True)
b2, _ = baseline()
print(f"| {'baseline again (after the reports)':<34} | {'-':<5} | {pct(b2, 50):8.2f} | {pct(b2, 95):8.2f} | {pct(b2, 95) / b95:18.1f} |")
print()
print(f"{events:,} lifecycle events counted by the baseline. Slowest report p95: {worst:.0f} ms (target: < 300 ms).")
