#!/usr/bin/env python3
"""Adds N open opportunities (default pipeline, spread over its steps) with their next actions to a seeded benchmark
database, plus N/10 won and N/10 lost ones. Each opportunity belongs to a Prospect contact of the same owner and team.
Deterministic (seeded); one transaction. Run after seed_contacts.py.
Usage: seed_pipeline.py DB_FILE N
"""
import datetime, random, sqlite3, sys, time

db_file, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261124)
# TitleKey (the folded title global search matches) is left empty: the server fills it at its next start, with the
# same fold as every save (DatabaseSetup.FillTitleKeysAsync).
# When each deal entered its step: 0 to 59 days before `now`, from a generator of its own (the other values stay as before).
entered = random.Random(20261202)
con = sqlite3.connect(db_file)
con.execute("PRAGMA synchronous=OFF")
t0 = time.time()
now = "2026-11-23 12:00:00.0000000"
base = datetime.datetime(2026, 11, 23, 12, 0, 0)
today = datetime.date.today()
with con:
    row = con.execute("SELECT Id FROM Pipelines WHERE IsDefault=1").fetchone()
    if row is None:  # `prospector migrate` creates tables only; `serve` would add the default pipeline, so do it here
        pipeline = con.execute("INSERT INTO Pipelines(Name, IsDefault, SortOrder, Version) VALUES ('Sales', 1, 0, 1)").lastrowid
        for i, (name, p) in enumerate([("Qualification", 10), ("Needs analysis", 20), ("Demo", 35), ("Credit check", 45),
                                       ("Offer", 60), ("Negotiation", 75), ("Closing", 90)]):
            con.execute("INSERT INTO PipelineSteps(PipelineId, Name, SortOrder, DefaultProbability) VALUES (?,?,?,?)", (pipeline, name, i + 1, p))
    else:
        pipeline = row[0]
    steps = [r for r in con.execute("SELECT Id, DefaultProbability FROM PipelineSteps WHERE PipelineId=? ORDER BY SortOrder", (pipeline,))]
    contacts = con.execute("SELECT Id, CompanyId, OwnerId, TeamId, LastName FROM Contacts WHERE Stage='Prospect' LIMIT ?", (n + n // 5,)).fetchall()
    products = ["CRM licences", "Service contract", "Hardware upgrade", "Consulting package", "Annual subscription"]
    for i, (cid, company, owner, team, last) in enumerate(contacts):
        state = "Open" if i < n else ("Won" if i % 2 else "Lost")
        step, probability = steps[rnd.randrange(len(steps))]
        oid = con.execute(
            "INSERT INTO Opportunities(Title, ContactId, CompanyId, PipelineId, StepId, Amount, Currency, Probability, ExpectedCloseDate,"
            " State, OwnerId, TeamId, Version, CreatedAt, UpdatedAt, StepEnteredAt) VALUES (?,?,?,?,?,?,'EUR',?,?,?,?,?,1,?,?,?)",
            (f"{last}: {rnd.choice(products)}", cid, company, pipeline, step, f"{rnd.randrange(20, 400) * 100}.00", probability,
             (today + datetime.timedelta(days=rnd.randrange(7, 120))).isoformat(), state, owner, team, now, now,
             (base - datetime.timedelta(days=entered.randrange(60))).strftime("%Y-%m-%d %H:%M:%S.0000000"))).lastrowid
        if state == "Open":
            due = today + datetime.timedelta(days=rnd.randrange(-5, 30))
            con.execute(
                "INSERT INTO NextActions(ContactId, OpportunityId, Type, DueDate, DueAtUtc, Note, AssigneeId, Status, Version, CreatedAt)"
                " VALUES (?,?,?,?,?,?,?,'Open',1,?)",
                (cid, oid, rnd.choice(["Call", "Email", "Meeting"]), due.isoformat(), f"{due.isoformat()} 07:00:00", "Follow up", owner, now))
con.execute("ANALYZE")
con.close()
print(f"seeded {min(n, len(contacts)):,} open opportunities (+{max(0, len(contacts) - n):,} closed) in {time.time() - t0:.1f} s")
