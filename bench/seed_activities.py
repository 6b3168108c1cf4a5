#!/usr/bin/env python3
"""Adds N synthetic activities (calls, e-mails, meetings with Markdown notes) to a seeded Prospector SQLite database.

Deterministic (seeded). Run after seed_contacts.py. Activities are spread over all contacts, except that the contact
with the lowest id gets exactly TIMELINE entries (the "busy contact" the timeline benchmark opens). The FTS5 index is
filled by the app's triggers as rows are inserted, exactly as in production.
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

with con:
    con.executemany(
        "INSERT INTO Activities(ContactId, CompanyId, Channel, Direction, Outcome, OccurredAt, DurationMinutes, Subject, Notes, UserId, Version, CreatedAt)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,1,?)", rows())
con.execute("ANALYZE")
con.close()
print(f"seeded {n:,} activities ({busy} on contact {lo}) in {time.time() - t0:.1f} s")
