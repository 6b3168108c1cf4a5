#!/usr/bin/env python3
"""Adds what the reports count to a seeded benchmark database (run after seed_contacts.py, seed_activities.py and
seed_pipeline.py): about EVENTS lifecycle events over all contacts, closed deals with reasons, and prospecting lists.

Deterministic (seeded); one transaction.
- Each contact gets a history from 2023-07 to 2026-11 that ends at its current stage: a first stage (Suspect or Lead), moves up
  the funnel, some back-and-forth (down one stage and up again), status changes (New → Working → Nurturing …) and, for the
  disqualified contacts, a StatusChanged to Unqualified with a reason (the contact's UnqualifiedReason is set to it); some of
  them are recontacted (Unqualified → Working) and disqualified again. About 1 % of the upward moves are gate overrides.
- Deals: of the opportunities seed_pipeline.py made, ~20 % are won, ~15 % lost and ~5 % cancelled (with reasons), ~4 % on
  standby, the rest open; CreatedAt and ClosedAt lie between 2024 and 2026.
- 20 prospecting lists (lead sources "fair" and "list" too); 30 % of the contacts came from one of them (one Converted list row
  each) and every list has cancelled (with reasons) and duplicate rows besides.
Usage: seed_lifecycle.py DB_FILE EVENTS
"""
import datetime, random, sqlite3, sys, time

db_file, target = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261130)
STAGES = ["Suspect", "Lead", "Prospect", "Customer", "RepeatCustomer"]
DISQUALIFY = ["No budget", "No need", "Bought from a competitor", "Wrong contact", "Company closed", "Not reachable"]
LOST = ["Price too high", "Competitor", "No decision", "Timing", "Missing feature"]
CANCELLED = ["Duplicate", "Project stopped", "Entered by mistake"]
CANCEL_ROW = ["No phone number", "Not our market", "Out of business", "Refused"]
T0 = datetime.datetime(2023, 7, 1)
END = datetime.datetime(2026, 11, 29)
SPAN = int((END - T0).total_seconds())
fmt = lambda t: t.strftime("%Y-%m-%d %H:%M:%S")

con = sqlite3.connect(db_file)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=OFF")
t_start = time.time()
contacts = con.execute("SELECT Id, Stage, LeadStatus, OwnerId FROM Contacts ORDER BY Id").fetchall()
n = len(contacts)
per = target / max(1, n)


def history(stage, status, owner):
    """(events, unqualified reason) for one contact ending at stage/status."""
    final = STAGES.index(stage)
    want = max(1, round(rnd.uniform(0.3, 1.7) * per))
    start = 0 if final == 0 or rnd.random() < 0.6 else 1
    # the stage path: first stage, then up to the final one, with down-and-up detours while events are wanted
    path = [start]
    cur = start
    budget = want - 1 - (final - start) - (2 if status == "Unqualified" else 1)
    while cur < final or budget >= 2:
        if budget >= 2 and cur > 0 and rnd.random() < 0.35:
            path += [cur - 1, cur]
            budget -= 2
        elif cur < final:
            cur += 1
            path.append(cur)
        elif budget >= 2:  # at the final stage: one step down and back up (or up and back down from Suspect)
            other = cur - 1 if cur > 0 else cur + 1
            path += [other, cur]
            budget -= 2
        else:
            break
    # The history lasts 1 to 18 months and starts anywhere in the span (leaving room for its end and a recontact's months),
    # so every year of the span, the reported one included, holds its share of the events. (Until 2026-12-01 the gap was
    # SPAN / (len + 4) and every history started in the span's first months: 2025 held 2,982 of 526,406 events.)
    gap = max(3601, rnd.randrange(30 * 86400, 540 * 86400) // len(path))
    t = T0 + datetime.timedelta(seconds=rnd.randrange(max(1, SPAN - gap * len(path) - 200 * 86400)))
    events = []
    prev = None
    for s in path:
        override = prev is not None and s > prev and rnd.random() < 0.01
        events.append(("StageChanged", None if prev is None else STAGES[prev], STAGES[s], None, None,
                       "Budget not confirmed yet" if override else None, 1 if override else 0, owner, fmt(t)))
        prev = s
        t += datetime.timedelta(seconds=rnd.randrange(3600, max(3601, gap)))
        if len(events) == 1:
            events.append(("StatusChanged", None, None, "New", "Working", None, 0, owner, fmt(t)))
            t += datetime.timedelta(seconds=rnd.randrange(600, 86400))
    reason = None
    if status == "Unqualified":
        if budget >= 2 and rnd.random() < 0.5:  # disqualified, recontacted, disqualified again
            events.append(("StatusChanged", None, None, "Working", "Unqualified", rnd.choice(DISQUALIFY), 0, owner, fmt(t)))
            t += datetime.timedelta(days=rnd.randrange(30, 120))
            events.append(("StatusChanged", None, None, "Unqualified", "Working", None, 0, owner, fmt(t)))
            t += datetime.timedelta(days=rnd.randrange(5, 60))
        reason = rnd.choice(DISQUALIFY)
        events.append(("StatusChanged", None, None, "Working", "Unqualified", reason, 0, owner, fmt(t)))
    elif status == "Nurturing":
        events.append(("StatusChanged", None, None, "Working", "Nurturing", None, 0, owner, fmt(t)))
    return events, reason


count = 0
with con:
    leads = {}
    for key, name in (("fair", "Trade fair"), ("list", "Bought list")):
        row = con.execute("SELECT Id FROM LeadSources WHERE Key=?", (key,)).fetchone()
        leads[key] = row[0] if row else con.execute("INSERT INTO LeadSources(Key, Name, SortOrder) VALUES (?,?,?)", (key, name, 90)).lastrowid
    reps = con.execute("SELECT UserId, TeamId FROM TeamMembers ORDER BY UserId").fetchall()
    lists = []
    for i in range(20):
        owner, team = reps[i % len(reps)]
        created = fmt(T0 + datetime.timedelta(days=i * 50))
        lists.append(con.execute(
            "INSERT INTO ProspectingLists(Name, Columns, Mapping, RowCount, OwnerId, TeamId, Version, CreatedAt, UpdatedAt, LeadSourceId)"
            " VALUES (?, '[]', '{}', 0, ?, ?, 1, ?, ?, ?)",
            (f"{'Messe' if i % 2 else 'Adressliste'} {2023 + i // 7}-{i}", owner, team, created, created,
             leads["fair" if i % 2 else "list"])).lastrowid)

    def events():
        global count
        for cid, stage, status, owner in contacts:
            evs, reason = history(stage, status, owner)
            if reason:
                updates.append((reason, cid))
            count += len(evs)
            for e in evs:
                yield (cid, *e)

    updates = []
    con.executemany(
        "INSERT INTO LifecycleEvents(ContactId, Kind, FromStage, ToStage, FromStatus, ToStatus, Reason, Override, ById, At)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)", events())
    con.executemany("UPDATE Contacts SET UnqualifiedReason=? WHERE Id=?", updates)

    # 30 % of the contacts came from a list: SourceListId, the lead source of the list and one converted row each.
    rows, sourced = [], []
    number = {l: 0 for l in lists}
    for cid, *_ in contacts:
        if rnd.random() < 0.3:
            k = rnd.randrange(len(lists))
            l = lists[k]
            number[l] += 1
            sourced.append((l, leads["fair" if k % 2 else "list"], cid))
            rows.append((l, number[l], "Converted", None, cid))
            while rnd.random() < 0.25:
                number[l] += 1
                rows.append((l, number[l], "Cancelled", rnd.choice(CANCEL_ROW), None) if rnd.random() < 0.6
                            else (l, number[l], "Duplicate", None, None))
    con.executemany("UPDATE Contacts SET SourceListId=?, LeadSourceId=? WHERE Id=?", sourced)
    con.executemany("INSERT INTO ListRows(ListId, RowNumber, Cells, State, CancelReason, ContactId, Version, UpdatedAt, SearchKey)"
                    " VALUES (?,?,'[]',?,?,?,1,'2026-01-01 00:00:00','')", rows)
    for l in lists:
        con.execute("UPDATE ProspectingLists SET RowCount=? WHERE Id=?", (number[l], l))

    # Deals: won, lost (reasons), cancelled (reasons), standby, open; created and closed between 2024 and 2026.
    deals = []
    for (oid,) in con.execute("SELECT Id FROM Opportunities ORDER BY Id").fetchall():
        created = datetime.datetime(2024, 1, 1) + datetime.timedelta(seconds=rnd.randrange(int((END - datetime.datetime(2024, 1, 1)).total_seconds())))
        r = rnd.random()
        state, reason, closed = "Open", None, None
        if r < 0.44:
            state = "Won" if r < 0.2 else "Lost" if r < 0.35 else "Cancelled" if r < 0.4 else "Standby"
            if state != "Standby":
                closed = min(END, created + datetime.timedelta(days=rnd.randrange(1, 200), seconds=rnd.randrange(86400)))
                reason = rnd.choice(LOST) if state == "Lost" else rnd.choice(CANCELLED) if state == "Cancelled" else None
        deals.append((state, reason, fmt(closed) if closed else None, fmt(created), oid))
    con.executemany("UPDATE Opportunities SET State=?, CloseReason=?, ClosedAt=?, CreatedAt=? WHERE Id=?", deals)
    con.execute("UPDATE NextActions SET Status='Done', CompletedAt=CreatedAt WHERE OpportunityId IN"
                " (SELECT Id FROM Opportunities WHERE State IN ('Won','Lost','Cancelled'))")
con.execute("ANALYZE")
con.close()
print(f"seeded {count:,} lifecycle events for {n:,} contacts, {len(rows):,} list rows in {len(lists)} lists, "
      f"{len(deals):,} deals re-dated (won/lost/cancelled/standby/open) in {time.time() - t_start:.1f} s")
