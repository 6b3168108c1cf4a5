#!/usr/bin/env python3
"""Soak: a mixed workload against a running server for MINUTES minutes, then checks for lost updates.

  soak.py BASE_URL TOKEN MINUTES SERVER_PID IMPORT_CSV

Threads: 2 readers (filtered contacts page, search, kanban board, one contact), 3 updaters (GET a contact of a pool of
20, PATCH jobTitle with If-Match; 412 is an expected conflict), 1 activity logger (POST /api/v1/activities) and one
import (POST /api/v1/imports of IMPORT_CSV) a third of the way in. VmRSS of the server is sampled every 2 s.
At the end every contact of the pool must hold the value of its last acknowledged (2xx) update and every acknowledged
activity must exist, and (soaks of 10 minutes or more) the server's RSS may grow less than 10 % over the second half.
Prints a Markdown table; exits 1 on any 5xx, transport error, lost write or such growth.
"""
import random, sys, threading, time
from datetime import datetime, timezone
from benchlib import Client, etag_version, rss_mb

base, token, minutes, pid, csv_path = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
api = Client(base, token)
stop = threading.Event()
lock = threading.Lock()
stats = {"requests": 0, "5xx": 0, "errors": 0, "unexpected 4xx": 0, "412": 0, "updates": 0, "activities": 0, "reads": 0}
acked = {}          # contact id -> (version, value) of the highest acknowledged update
uncertain = set()   # contacts with an update whose answer was lost (it may or may not have been applied)
activity_ids = []
problems = []
rss = []


def count(status, kind=None):
    with lock:
        stats["requests"] += 1
        if status >= 500:
            stats["5xx"] += 1
        elif status == 412:
            stats["412"] += 1
        elif status >= 400:
            stats["unexpected 4xx"] += 1
        elif kind:
            stats[kind] += 1


def call(*args, kind=None, **kw):
    try:
        status, resp, body = api.request(*args, **kw)
    except Exception as e:  # transport error: the server closed or timed out
        with lock:
            stats["requests"] += 1
            stats["errors"] += 1
            if len(problems) < 5:
                problems.append(f"{args[0]} {args[1]}: {e!r}")
        return None, None, None
    count(status, kind)
    if (status >= 500 or (status >= 400 and status != 412)) and len(problems) < 5:
        with lock:
            problems.append(f"{args[0]} {args[1]}: {status} {str(body)[:200]}")
    return status, resp, body


status, _, page = call("GET", "/api/v1/contacts?stage=Lead&pageSize=20&page=3")
pool = [c["id"] for c in page["items"]]
_, _, pipelines = call("GET", "/api/v1/pipelines")
board = f"/api/v1/pipelines/{pipelines[0]['id']}/board"
reads = ["/api/v1/contacts?stage=Lead&status=Working&pageSize=50&page=2", "/api/v1/search?q=m%C3%BCller&limit=10",
         "/api/v1/search?q=angebot&limit=10", board, "/api/v1/contacts?q=jans&pageSize=25"]


def reader(seed):
    r = random.Random(seed)
    while not stop.is_set():
        path = r.choice(reads + [f"/api/v1/contacts/{r.choice(pool)}"])
        call("GET", path, kind="reads")


def updater(n):
    r = random.Random(100 + n)
    seq = 0
    while not stop.is_set():
        cid = r.choice(pool)
        s, resp, _ = call("GET", f"/api/v1/contacts/{cid}", kind="reads")
        if s != 200:
            continue
        seq += 1
        value = f"soak {n}-{seq}"
        time.sleep(r.random() * 0.01)  # widen the window for a concurrent update (expected 412s)
        s, resp, _ = call("PATCH", f"/api/v1/contacts/{cid}", body={"jobTitle": value}, headers={"If-Match": f'"{etag_version(resp)}"'},
                          kind="updates")
        if s is None:
            with lock:
                uncertain.add(cid)
        elif 200 <= s < 300:
            v = etag_version(resp)
            with lock:
                if v > acked.get(cid, (0, None))[0]:
                    acked[cid] = (v, value)


def logger():
    r = random.Random(7)
    while not stop.is_set():
        body = {"contactId": r.choice(pool), "channel": "Phone", "direction": "Outbound", "outcome": "reached",
                "occurredAt": datetime.now(timezone.utc).isoformat(timespec="seconds"), "durationMinutes": r.randint(1, 30),
                "subject": "Soak call", "notes": "Angebot besprochen, **Rückruf** nächste Woche"}
        s, _, b = call("POST", "/api/v1/activities", body=body, kind="activities")
        if s is not None and 200 <= s < 300:
            with lock:
                activity_ids.append(b["id"])


import_result = {}


def importer():
    if stop.wait(minutes * 60 / 3):
        return
    t0 = time.perf_counter()
    try:
        s, b = Client(base, token, timeout=600).upload_import(csv_path, "Soak import")
    except Exception as e:
        s, b = None, repr(e)
    count(s or 599)
    import_result.update(status=s, seconds=time.perf_counter() - t0, rows=b.get("rowsImported") if isinstance(b, dict) else b)


def sampler():
    while not stop.is_set():
        rss.append(rss_mb(pid))
        stop.wait(2)


threads = [threading.Thread(target=f, args=a) for f, a in
           [(reader, (1,)), (reader, (2,)), (updater, (1,)), (updater, (2,)), (updater, (3,)), (logger, ()), (importer, ()), (sampler, ())]]
t0 = time.time()
for t in threads:
    t.start()
time.sleep(minutes * 60)
stop.set()
for t in threads:
    t.join()
elapsed = time.time() - t0

# The checks run on this thread's connection, idle since the soak began: the server has long closed it (keep-alive
# timeout), and its first request would fail as a transport error that says nothing about the server. Start afresh.
if getattr(api.local, "conn", None) is not None:
    api.local.conn.close()
    api.local.conn = None
lost = []
for cid, (v, value) in sorted(acked.items()):
    s, resp, c = call("GET", f"/api/v1/contacts/{cid}")
    current = etag_version(resp) if s == 200 else -1
    if current < v or (current == v and c.get("jobTitle") != value):
        lost.append(f"contact {cid}: acknowledged v{v} {value!r}, found v{current} {c.get('jobTitle') if s == 200 else s!r}")
missing = 0
for aid in activity_ids:
    s, _, _ = call("GET", f"/api/v1/activities/{aid}")
    missing += s != 200
rss = [x for x in rss if x is not None]
growth = rss[-1] - rss[0] if len(rss) > 1 else 0
# A leak shows as growth that goes on once the server is warm (its caches, connection pool and JIT filled, the import's
# buffers taken): the second half of the soak, same workload, is held to < 10 %. Judged for soaks of 10 minutes or more.
mid = rss[len(rss) // 2] if rss else 0
late = rss[-1] - mid if len(rss) > 1 else 0
judged = minutes >= 10 and mid > 0
memory_ok = not judged or late / mid < 0.10
ok = stats["5xx"] == 0 and stats["errors"] == 0 and not lost and missing == 0 and import_result.get("status") == 201 and memory_ok
print(f"| duration | {elapsed / 60:.1f} min | |")
print(f"| requests (reads / acknowledged updates / activities) | {stats['requests']:,} ({stats['reads']:,} / {stats['updates']:,} / {stats['activities']:,}) | |")
print(f"| throughput | {stats['requests'] / elapsed:.1f} req/s | |")
print(f"| import during the soak | {import_result.get('status')}: {import_result.get('rows')} rows in {import_result.get('seconds', 0):.1f} s | 201 |")
print(f"| server errors (5xx) | {stats['5xx']} | 0 allowed |")
print(f"| transport errors / unexpected 4xx | {stats['errors']} / {stats['unexpected 4xx']} | 0 |")
print(f"| If-Match conflicts (412, expected) | {stats['412']:,} | |")
print(f"| lost updates (of {len(acked)} contacts updated) | {len(lost)} | 0 allowed |")
print(f"| acknowledged activities missing (of {len(activity_ids):,}) | {missing} | 0 allowed |")
print(f"| server RSS first / last / max sample | {rss[0]:.0f} / {rss[-1]:.0f} / {max(rss):.0f} MB | |")
print(f"| RSS growth over the soak (from the first sample) | {growth:+.0f} MB ({growth / rss[0] * 100:+.0f} %) | |")
print(f"| RSS growth over the second half (from {mid:.0f} MB at half time) | {late:+.0f} MB ({late / mid * 100 if mid else 0:+.1f} %) | "
      f"{'< 10 %' if judged else 'not judged (soak under 10 min)'} |")
print(f"| result | {'PASS' if ok else 'FAIL'} | |")
for p in problems + lost[:5]:
    print(f"soak: {p}", file=sys.stderr)
sys.exit(0 if ok else 1)
