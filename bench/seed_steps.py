#!/usr/bin/env python3
"""Adds each deal's step history (OpportunityStepChanges) to a seeded benchmark database, the way the product writes it
(ProspectorDb.StepHistory): created → enters a step (no from); moves between steps of its pipeline, mostly forward and
now and then one step back; won, lost or cancelled → leaves its step (no to). Open and standby deals end in their current
step (StepEnteredAt is set to the last entry), closed ones leave their step at ClosedAt. Run after seed_lifecycle.py
(which dates the deals). Does nothing when the table already holds entries (a kept dataset seeded with them).
Deterministic (seeded); one transaction.
Usage: seed_steps.py DB_FILE
"""
import datetime, random, sqlite3, sys, time

db_file = sys.argv[1]
rnd = random.Random(20261204)
END = datetime.datetime(2026, 11, 29)
fmt = lambda t: t.strftime("%Y-%m-%d %H:%M:%S")
parse = lambda s: datetime.datetime.fromisoformat(s[:19])

con = sqlite3.connect(db_file)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=OFF")
t0 = time.time()
if con.execute("SELECT 1 FROM OpportunityStepChanges LIMIT 1").fetchone():
    print("seed_steps.py: the deals already have a step history; nothing added")
    sys.exit(0)
steps = {}
for pid, sid in con.execute("SELECT PipelineId, Id FROM PipelineSteps ORDER BY PipelineId, SortOrder, Id"):
    steps.setdefault(pid, []).append(sid)

count, entered = 0, []


def history(oid, pipeline, step, state, created, closed):
    """The step changes of one deal: (OpportunityId, PipelineId, FromStepId, ToStepId, At) rows."""
    global count
    path = steps[pipeline]
    final = path.index(step)
    cur = 0 if rnd.random() < 0.7 else rnd.randrange(final + 1)
    walk = [cur]
    while cur < final:
        if cur > 0 and rnd.random() < 0.1:
            walk += [cur - 1, cur]
        cur += 1
        walk.append(cur)
    end = closed or min(END, created + datetime.timedelta(days=rnd.randrange(1, 240)))
    span = max(1, int((end - created).total_seconds()))
    # the moves' instants: sorted random points between creation and the end (closed deals leave their step at ClosedAt)
    at = [created] + sorted(created + datetime.timedelta(seconds=rnd.randrange(span)) for _ in walk[1:])
    rows = [(oid, pipeline, None, path[walk[0]], fmt(at[0]))]
    rows += [(oid, pipeline, path[a], path[b], fmt(t)) for a, b, t in zip(walk, walk[1:], at[1:])]
    if closed:
        rows.append((oid, pipeline, step, None, fmt(closed)))
    else:
        entered.append((fmt(at[-1]), oid))
    count += len(rows)
    return rows


def changes():
    for oid, pipeline, step, state, created, closed in con.execute(
            "SELECT Id, PipelineId, StepId, State, CreatedAt, ClosedAt FROM Opportunities ORDER BY Id").fetchall():
        yield from history(oid, pipeline, step, state, parse(created),
                           parse(closed) if closed and state in ("Won", "Lost", "Cancelled") else None)


with con:
    con.executemany("INSERT INTO OpportunityStepChanges(OpportunityId, PipelineId, FromStepId, ToStepId, At) VALUES (?,?,?,?,?)",
                    changes())
    con.executemany("UPDATE Opportunities SET StepEnteredAt=? WHERE Id=?", entered)
con.execute("ANALYZE")
con.close()
print(f"seeded {count:,} deal step changes in {time.time() - t0:.1f} s")
