#!/usr/bin/env python3
"""Sequential HTTP latency of named requests against a running server, with a trivial endpoint as the baseline.

Usage: measure_http.py BASE_URL TOKEN NAME=PATH [NAME=PATH ...]   (env ROUNDS, default 50)
Prints one row per request: p50, p95, max in ms and p50 as a multiple of the baseline's p50.
"""
import http.client, os, statistics, sys, time, urllib.parse

base, token, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
rounds = int(os.environ.get("ROUNDS", "50"))
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

def timed(path, auth=True):
    headers = {"Authorization": f"Bearer {token}"} if auth else {}
    t = time.perf_counter()
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t) * 1000
    if r.status != 200:
        sys.exit(f"{path}: HTTP {r.status} {body[:300]!r}")
    return ms

def run(path, auth=True):
    for _ in range(5):
        timed(path, auth)  # warm-up: JIT, query plans, page cache
    xs = sorted(timed(path, auth) for _ in range(rounds))
    return xs[len(xs) // 2], xs[int(len(xs) * 0.95) - 1], xs[-1]

b50, b95, bmax = run("/health/live", auth=False)
print(f"| {'request':<34} | {'p50 ms':>8} | {'p95 ms':>8} | {'max ms':>8} | {'p50 / baseline':>14} |")
print(f"|{'-' * 36}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 16}|")
print(f"| {'baseline: GET /health/live':<34} | {b50:8.1f} | {b95:8.1f} | {bmax:8.1f} | {1:14.1f} |")
for spec in specs:
    name, path = spec.split("=/", 1)  # NAME=/path: the name itself may contain "="
    path = "/" + path
    p50, p95, mx = run(path)
    print(f"| {name:<34} | {p50:8.1f} | {p95:8.1f} | {mx:8.1f} | {p50 / b50:14.1f} |")
