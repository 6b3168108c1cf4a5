#!/usr/bin/env python3
"""Crash check on SQLite: kill -9 of the server at random moments, then restart and check what survived.

  crash.py DATA_DIR TOKEN IMPORT_CSV IMPORT_SECONDS TRIALS SEED -- PROSPECTOR_COMMAND...

Import trials: the server imports IMPORT_CSV (POST /api/v1/imports; IMPORT_SECONDS is the expected duration) and is
killed at a random moment in it. Update trials: 4 clients PATCH contacts with If-Match and log activities, and the
server is killed after a random 1-6 s. After each kill: `sqlite3 PRAGMA integrity_check` must say ok; no row of an
unfinished import may be visible (the list is absent, or its import is finished with all its rows); the server must
start again; the import must run again to completion and revert; every acknowledged update (its version and value)
and every acknowledged activity must be in the database. One PASS/FAIL line per trial; exit 1 if any failed.
"""
import os, random, sqlite3, subprocess, sys, threading, time
from datetime import datetime, timezone
from benchlib import Client, etag_version, start_server

sep = sys.argv.index("--")
data_dir, token, csv_path, import_s, trials, seed = sys.argv[1:sep]
exe = sys.argv[sep + 1:]
import_s, trials, rnd = float(import_s), int(trials), random.Random(int(seed))
db_path = os.path.join(data_dir, "prospector.db")
port = int(subprocess.check_output([sys.executable, "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"]))
base = f"http://127.0.0.1:{port}"
log = os.path.join(data_dir, "crash-server.log")
csv_rows = sum(1 for _ in open(csv_path, encoding="utf-8")) - 1


def integrity():
    out = subprocess.run(["sqlite3", db_path, "PRAGMA integrity_check"], capture_output=True, text=True).stdout.strip()
    return out == "ok", "" if out == "ok" else out[:100]


def query(sql, *args):
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


results = []


def report(trial, kind, killed_after, checks):
    ok = all(v for v, _ in checks.values())
    detail = "; ".join(f"{k}: {'ok' if v else 'FAILED'}{' (' + d + ')' if d else ''}" for k, (v, d) in checks.items())
    results.append(ok)
    print(f"| {trial} | {kind} | {killed_after:.1f} s | {detail} | {'PASS' if ok else 'FAIL'} |", flush=True)


def import_trial(n, server):
    api = Client(base, token, timeout=600)
    name = f"Crash trial {n}"
    done = {}
    t = threading.Thread(target=lambda: done.update(r=_try(lambda: api.upload_import(csv_path, name))))
    t.start()
    wait = rnd.uniform(0.1, 0.9) * import_s
    time.sleep(wait)
    server.kill()  # SIGKILL
    server.wait()
    t.join()
    checks = {"integrity_check": integrity()}
    lists = query("SELECT Id FROM ProspectingLists WHERE Name = ?", name)
    if not lists:
        checks["no half import"] = (True, "rolled back: no list, no rows")
    else:
        rows = query("SELECT count(*) FROM ListRows WHERE ListId = ?", lists[0][0])[0][0]
        imp = query("SELECT Status, RowsImported FROM Imports WHERE ListId = ?", lists[0][0])
        complete = len(imp) == 1 and imp[0][1] == rows == csv_rows
        checks["no half import"] = (complete, f"committed before the kill: {rows} rows, import {imp}")
    try:
        server, ready = start_server(exe, data_dir, port, log)
    except RuntimeError as e:
        checks["restart"] = (False, str(e))
        report(n, "import", wait, checks)
        return None
    checks["restart"] = (True, f"ready in {ready:.1f} s")
    status, summary = _try(lambda: api.upload_import(csv_path, name))
    if status == 201:
        rows = query("SELECT count(*) FROM ListRows WHERE ImportId = ?", summary["importId"])[0][0]
        checks["import again"] = (rows == summary["rowsImported"] and summary["rowsRead"] == csv_rows, f"{rows} rows")
        s, _, _ = api.request("POST", f"/api/v1/imports/{summary['importId']}/revert")
        left = query("SELECT count(*) FROM ListRows WHERE ImportId = ?", summary["importId"])[0][0]
        checks["revert"] = (200 <= s < 300 and left == 0, f"HTTP {s}, {left} rows left")
    else:
        checks["import again"] = (False, f"HTTP {status} {str(summary)[:120]}")
    report(n, "import", wait, checks)
    return server


def _try(f):
    try:
        return f()
    except Exception as e:
        return None, repr(e)


def update_trial(n, server):
    api = Client(base, token, timeout=30)
    _, _, page = api.request("GET", f"/api/v1/contacts?stage=Prospect&pageSize=50&page={n}")
    pool = [c["id"] for c in page["items"]]
    acked, activities, lock, stop = {}, [], threading.Lock(), threading.Event()

    def worker(k):
        r = random.Random(1000 * n + k)
        seq = 0
        while not stop.is_set():
            cid = r.choice(pool)
            try:
                if r.random() < 0.3:
                    s, _, b = api.request("POST", "/api/v1/activities", body={
                        "contactId": cid, "channel": "Email", "direction": "Outbound", "outcome": "sent", "subject": f"crash {n}-{k}-{seq}",
                        "occurredAt": datetime.now(timezone.utc).isoformat(timespec="seconds")})
                    if s == 201:
                        with lock:
                            activities.append(b["id"])
                    continue
                s, resp, _ = api.request("GET", f"/api/v1/contacts/{cid}")
                seq += 1
                value = f"crash {n}-{k}-{seq}"
                s, resp, _ = api.request("PATCH", f"/api/v1/contacts/{cid}", body={"jobTitle": value}, headers={"If-Match": f'"{etag_version(resp)}"'})
                if 200 <= s < 300:
                    v = etag_version(resp)
                    with lock:
                        if v > acked.get(cid, (0, None))[0]:
                            acked[cid] = (v, value)
            except Exception:
                if stop.is_set():
                    return
                time.sleep(0.05)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    wait = rnd.uniform(1, 6)
    time.sleep(wait)
    server.kill()
    server.wait()
    stop.set()
    for t in threads:
        t.join()
    checks = {"integrity_check": integrity()}
    lost = []
    for cid, (v, value) in acked.items():
        row = query("SELECT Version, JobTitle FROM Contacts WHERE Id = ?", cid)
        if not row or row[0][0] < v or (row[0][0] == v and row[0][1] != value):
            lost.append(cid)
    have = {r[0] for r in query(f"SELECT Id FROM Activities WHERE Id IN ({','.join(map(str, activities)) or '0'})")}
    missing = [a for a in activities if a not in have]
    checks["acknowledged writes present"] = (not lost and not missing and bool(acked),
                                             f"{len(acked)} contacts, {len(activities)} activities; lost {len(lost)}, missing {len(missing)}")
    try:
        server, ready = start_server(exe, data_dir, port, log)
        checks["restart"] = (True, f"ready in {ready:.1f} s")
    except RuntimeError as e:
        checks["restart"] = (False, str(e))
        server = None
    report(n, "updates", wait, checks)
    return server


print("| trial | killed during | after | checks | result |")
print("|---|---|---|---|---|")
server, _ = start_server(exe, data_dir, port, log)
for i in range(trials):
    server = import_trial(i + 1, server) if server else None
    if server is None:
        break
for i in range(trials):
    server = update_trial(trials + i + 1, server) if server else None
    if server is None:
        break
if server:
    server.terminate()
    server.wait()
print(f"\ncrash check: {sum(results)} of {len(results)} trials passed", file=sys.stderr)
sys.exit(0 if results and all(results) and len(results) == 2 * trials else 1)
