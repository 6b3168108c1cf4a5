#!/usr/bin/env python3
"""How long does a writer wait for SQLite's write lock while something else (an import's publish) runs?

  write_lock_probe.py DATABASE SECONDS

Every 50 ms for SECONDS: BEGIN IMMEDIATE; COMMIT on DATABASE (busy timeout 120 s), timing the wait. Prints the longest
wait and every wait over 0.2 s with its start (seconds mod 1000 of the clock, to line up with the other process's log).
Start it, then the import, e.g.:
  python3 bench/write_lock_probe.py data/prospector.db 60 & prospector import list.csv --list Probe --data-dir data
"""
import sqlite3, sys, time

con = sqlite3.connect(sys.argv[1], timeout=120, isolation_level=None)
end = time.time() + float(sys.argv[2])
worst, waits = 0.0, []
while time.time() < end:
    t0 = time.time()
    con.execute("BEGIN IMMEDIATE")
    con.execute("COMMIT")
    w = time.time() - t0
    if w > 0.2:
        waits.append((round(t0 % 1000, 1), round(w, 2)))
    worst = max(worst, w)
    time.sleep(0.05)
print(f"longest wait for the write lock: {worst:.2f} s; waits > 0.2 s (start, seconds): {waits}")
