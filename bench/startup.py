#!/usr/bin/env python3
"""Start-up of `prospector serve` on a migrated database (issue 15, point 5).

Usage: startup.py DLL DATA_DIR [N] [PORT]

DATA_DIR must hold a migrated database with the user admin@bench.example / bench-admin-password (bench/startup.sh makes
one). Each of N starts measures, from the moment the process is started:
  ready  - until GET /health/ready answers 200 (polled every 10 ms)
  login  - then the first GET /account/login (the first page render of the process: anonymous, server-rendered)
  home   - then sign in (POST of that form) and the first GET / as the signed-in admin (the first signed-in page render)
The baseline, measured in the same run, is `dotnet prospector.dll --version` (N times): starting the .NET runtime and
loading the app's assembly and command line, with no host, no database and no web server. Prints p50 / min / max.
"""
import http.client
import http.cookies
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse

DLL, DATA = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 7
PORT = int(sys.argv[4]) if len(sys.argv) > 4 else 5241
ENV = dict(os.environ, Reminders__PollSeconds="3600")
ENV.pop("ASPNETCORE_ENVIRONMENT", None)


def request(method, path, body=None, cookies=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    h = dict(headers or {})
    if cookies:
        h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode("utf-8", "replace")
    jar = {}
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            sc = http.cookies.SimpleCookie()
            sc.load(v)
            for name, m in sc.items():
                jar[name] = m.value
    c.close()
    return r.status, data, jar


def one_start():
    t0 = time.perf_counter()
    p = subprocess.Popen(["dotnet", DLL, "serve", "--urls", f"http://127.0.0.1:{PORT}", "--data-dir", DATA],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    try:
        while True:
            if p.poll() is not None:
                raise RuntimeError(f"server exited with {p.returncode}")
            try:
                if request("GET", "/health/ready")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.01)
        ready = time.perf_counter() - t0
        t = time.perf_counter()
        status, page, jar = request("GET", "/account/login")
        login = time.perf_counter() - t
        assert status == 200, status
        fields = {}
        for tag in re.findall(r"<input\b[^>]*>", page):
            name = re.search(r'\sname="([^"]*)"', tag)
            if not name:
                continue
            value = re.search(r'\svalue="([^"]*)"', tag)
            ident = re.search(r'\sid="([^"]*)"', tag)
            v = {"email": "admin@bench.example", "password": "bench-admin-password"}.get(ident.group(1) if ident else "",
                                                                                    value.group(1) if value else "")
            fields[name.group(1).replace("&#x2E;", ".")] = v.replace("&#x2B;", "+").replace("&#x2F;", "/").replace("&#x3D;", "=")
        status, _, signed = request("POST", "/account/login", urllib.parse.urlencode(fields), jar, {"Sec-Fetch-Site": "same-origin"})
        assert status == 302, f"sign-in answered {status}"
        jar.update(signed)
        t = time.perf_counter()
        status, home, _ = request("GET", "/", cookies=jar)
        home_s = time.perf_counter() - t
        assert status == 200, f"GET / signed in answered {status}"  # a 302 would mean: not signed in
        return ready, login, home_s
    finally:
        p.terminate()
        p.wait()


def baseline():
    t0 = time.perf_counter()
    subprocess.run(["dotnet", DLL, "--version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
    return time.perf_counter() - t0


def fmt(xs):
    return f"{statistics.median(xs):.2f} s (min {min(xs):.2f}, max {max(xs):.2f})"


def main():
    one_start()  # warms the page cache with the runtime's and the app's files; not counted
    base, runs = [], []
    for _ in range(N):
        base.append(baseline())
        runs.append(one_start())
    load = open("/proc/loadavg").read().split()[:3]
    print(f"N={N}, load average after: {' '.join(load)}")
    print(f"| measure | p50 (min, max) |")
    print(f"|---|---|")
    print(f"| baseline: `dotnet prospector.dll --version` | {fmt(base)} |")
    print(f"| start to `/health/ready` 200 | {fmt([r[0] for r in runs])} |")
    print(f"| then first `GET /account/login` | {fmt([r[1] for r in runs])} |")
    print(f"| then sign-in and first `GET /` signed in | {fmt([r[2] for r in runs])} |")
    print(f"| ready ÷ baseline | {statistics.median(r[0] for r in runs) / statistics.median(base):.2f}× |")


main()
