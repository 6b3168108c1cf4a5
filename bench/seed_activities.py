#!/usr/bin/env python3
"""Adds N synthetic activities (calls, e-mails, meetings with Markdown notes) to a seeded Prospector SQLite database.

Deterministic (seeded). Run after seed_contacts.py. Activities are spread over all contacts, except that the contact
with the lowest id gets exactly TIMELINE entries (the "busy contact" the timeline benchmark opens). The FTS5 index is
built in one pass after the insert (its triggers are set aside meanwhile and restored); the triggers that keep
ConversationTallies stay and count every inserted conversation.
Usage: seed_activities.py DB_FILE N [TIMELINE]
"""
import random, sqlite3, sys, time

db_file, n = sys.argv[1], int(sys.argv[2])
busy = int(sys.argv[3]) if len(sys.argv) > 3 else 500
rnd = random.Random(20261124)
channels = ["Phone"] * 5 + ["Email"] * 3 + ["InPerson", "Video", "Sms", "Social", "Letter", "Note"]
outcomes = {"Phone": ["reached", "no answer", "voicemail"], "Email": ["sent", "replied"], "InPerson": ["meeting held"],
            "Video": ["meeting held", "no show"], "Sms": ["sent", "replied"], "Social": ["sent", "replied"], "Letter": ["sent"], "Note": [None]}
words = ("Angebot Preis Rabatt Vertrag Lizenz Schnittstelle DATEV Rechnung Budget Termin Messe Vorführung Entscheidung Geschäftsführung "
         "Einkauf Lieferzeit Wartung Schulung Datenschutz Server Umstellung Konkurrenz Pipedrive Excel Tabelle Rückruf Mitarbeiter "
         "offerte prijs korting contract licentie koppeling factuur begroting afspraak beurs demo beslissing directie inkoop levertijd "
         "onderhoud training privacy overstap concurrent "
         "offer price discount contract licence integration invoice budget meeting fair demo decision board purchasing delivery "
         "maintenance training privacy switch competitor spreadsheet callback").split()
subjects = ["First call", "Follow-up on offer", "Sent brochure", "Demo appointment", "Question about pricing", "Trade fair conversation"]

def note():
    k = rnd.randint(8, 40)
    text = " ".join(rnd.choice(words) for _ in range(k))
    return f"**{rnd.choice(words)}**: {text}" if rnd.random() < 0.3 else text

con = sqlite3.connect(db_file)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=OFF")
t0 = time.time()
lo, hi = con.execute("SELECT min(Id), max(Id) FROM Contacts").fetchone()
companies = dict(con.execute("SELECT Id, CompanyId FROM Contacts").fetchall())
users = [r[0] for r in con.execute("SELECT Id FROM Users")]

def rows():
    for i in range(n):
        contact = lo if i < busy else rnd.randint(lo + 1, hi)
        ch = rnd.choice(channels)
        day = 1 + (i * 7919) % 700
        at = f"2025-{1 + day % 12:02d}-{1 + day % 28:02d} {8 + i % 10:02d}:{i % 60:02d}:00"
        yield (contact, companies[contact], ch, "None" if ch == "Note" else rnd.choice(["Outbound", "Outbound", "Inbound"]), rnd.choice(outcomes[ch]), at,
               rnd.randint(2, 45) if ch in ("Phone", "Video") else None, rnd.choice(subjects), note(), rnd.choice(users), at)

# Bulk load: the per-row search index triggers are set aside and the FTS5 index is built in one pass afterwards
# (what the migration does for existing rows), then the triggers come back.
triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'Activities' AND name LIKE 'Activities_search_%'").fetchall()
first_new = (con.execute("SELECT max(Id) FROM Activities").fetchone()[0] or 0) + 1
fold = lambda col: f"replace(replace({col}, 'ß', 'ss'), 'ẞ', 'SS')"
with con:
    for name, _ in triggers:
        con.execute(f"DROP TRIGGER {name}")
    con.executemany(
        "INSERT INTO Activities(ContactId, CompanyId, Channel, Direction, Outcome, OccurredAt, DurationMinutes, Subject, Notes, UserId, Version, CreatedAt)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,1,?)", rows())
    t1 = time.time()
    con.execute(f"INSERT INTO ActivitySearch(rowid, Subject, Notes) SELECT Id, {fold('Subject')}, {fold('Notes')} FROM Activities WHERE Id >= ?", (first_new,))
    for _, sql in triggers:
        con.execute(sql)
con.execute("ANALYZE")
con.close()
print(f"seeded {n:,} activities ({busy} on contact {lo}) in {time.time() - t0:.1f} s (full-text index: {time.time() - t1:.1f} s)")
