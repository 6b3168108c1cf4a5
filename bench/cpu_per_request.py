#!/usr/bin/env python3
"""bench/cpu_per_request.py PORT PATH TOKEN N: the CPU time (user + system) the server listening on 127.0.0.1:PORT spends per
request, over N sequential keep-alive GETs of PATH with a bearer TOKEN (after N/5 warm-up requests). Less disturbed by other
work on a shared machine than req/s: it counts the server's own CPU, not the time spent waiting for one."""
import http.client, os, subprocess, sys, time
port, path, token, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
pid = int(subprocess.check_output(["pgrep", "-f", f"urls http://127.0.0.1:{port}"]).split()[0])
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
c = http.client.HTTPConnection("127.0.0.1", port)
h = {"Authorization": f"Bearer {token}"}
for _ in range(max(5, n // 5)):
    c.request("GET", path, headers=h); c.getresponse().read()
t0, w0 = cpu(), time.perf_counter()
for _ in range(n):
    c.request("GET", path, headers=h); r = c.getresponse(); r.read()
    assert r.status == 200, r.status
t1, w1 = cpu(), time.perf_counter()
print(f"{path}: {1000 * (t1 - t0) / n:.2f} ms CPU/request, {1000 * (w1 - w0) / n:.2f} ms wall/request (n={n})")
