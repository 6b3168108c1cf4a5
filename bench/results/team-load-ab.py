import http.client, sys, time, statistics
A, R = open('/tmp/lists-admin.tok').read().strip(), open('/tmp/lists-rep.tok').read().strip()
paths = [("board (7 columns)", "/api/v1/pipelines/1/board"),
         ("contacts: first page by name", "/api/v1/contacts?pageSize=50"),
         ("contacts: page 200 by name", "/api/v1/contacts?pageSize=50&page=200"),
         ("contacts: page 2000 by name", "/api/v1/contacts?pageSize=50&page=2000"),
         ("health/live (baseline)", "/health/live")]
conns = {p: http.client.HTTPConnection("127.0.0.1", p, timeout=60) for p in (5232, 5233)}
def t(port, path, tok):
    c = conns[port]; t0 = time.perf_counter()
    c.request("GET", path, headers={"Authorization": "Bearer " + tok, "Accept": "application/json"}); r = c.getresponse(); r.read()
    assert r.status == 200, (port, path, r.status)
    return (time.perf_counter() - t0) * 1000
print("| request | as | before p50 ms | after p50 ms | before ÷ after |"); print("|---|---|---:|---:|---:|")
for name, path in paths:
    for who, tok in (("admin", A), ("rep", R)):
        for port in (5232, 5233): t(port, path, tok)  # warm-up
        s = {5232: [], 5233: []}
        for i in range(int(sys.argv[1])):
            for port in ((5232, 5233) if i % 2 == 0 else (5233, 5232)): s[port].append(t(port, path, tok))
        b, a = statistics.median(s[5232]), statistics.median(s[5233])
        print(f"| {name} | {who} | {b:.1f} | {a:.1f} | {b / a:.1f}× |", flush=True)
