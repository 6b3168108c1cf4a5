#!/usr/bin/env python3
"""Fills a migrated Prospector SQLite database with N synthetic contacts (and N/5 companies) for benchmarks.

Deterministic (seeded); German, Dutch and English names with umlauts; owners spread over 8 reps in 4 teams.
Writes straight into the tables the app created (run `prospector migrate` first), in one transaction.
Usage: seed_contacts.py DB_FILE N
"""
import random, sqlite3, sys, time, unicodedata

db_file, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261123)
first = ["Jörg", "Anna", "Lukas", "Sophie", "Jan", "Femke", "Daan", "Lotte", "Thomas", "Sabine", "Michael", "Julia", "Pieter",
         "Sanne", "Stefan", "Katrin", "Bram", "Eva", "Oliver", "Emma", "Jürgen", "Björn", "Ute", "Sven", "Noah", "Liam",
         "Olivia", "George", "Amelia", "Harry", "Mia", "Lena", "Finn", "Tim", "Maarten", "Ingrid", "Kees", "Anke", "Ruth", "Paul"]
last = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer",
        "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
        "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "de Jong", "Jansen", "de Vries",
        "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
        "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "Smith", "Jones", "Taylor", "Brown",
        "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White",
        "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Öztürk", "Yılmaz", "Kowalski", "Nowak", "Novák"]
stages = ["Suspect", "Lead", "Lead", "Lead", "Prospect", "Prospect", "Customer", "RepeatCustomer"]
statuses = ["New", "Working", "Working", "Nurturing", "Unqualified"]

def fold(s):
    s = s.strip().lower().replace("ß", "ss")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return s.replace("ı", "i")

con = sqlite3.connect(db_file)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=OFF")
t0 = time.time()
now = "2026-11-23 12:00:00.0000000"
with con:
    teams = []
    for t in ["Nord", "Süd", "West", "Benelux"]:
        row = con.execute("SELECT Id FROM Teams WHERE Name=?", (t,)).fetchone()
        teams.append(row[0] if row else con.execute("INSERT INTO Teams(Name) VALUES (?)", (t,)).lastrowid)
    reps = []  # (user id, team id): the bench's rep (created by the CLI) plus synthetic colleagues
    for row in con.execute("SELECT UserId, TeamId FROM TeamMembers"):
        reps.append(row)
    for k in range(8):
        uid = con.execute(
            "INSERT INTO Users(UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, SecurityStamp, ConcurrencyStamp,"
            " PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount, DisplayName, Culture, TimeZone, DigestHour, CreatedAt)"
            " VALUES (?,?,?,?,1,?,?,0,0,0,0,?, 'de', 'Europe/Berlin', 7, ?)",
            (f"bench{k}@example.de", f"BENCH{k}@EXAMPLE.DE", f"bench{k}@example.de", f"BENCH{k}@EXAMPLE.DE", f"s{k}", f"c{k}", f"Bench Rep {k}", now)).lastrowid
        team = teams[k % 4]
        con.execute("INSERT INTO TeamMembers(TeamId, UserId) VALUES (?,?)", (team, uid))
        reps.append((uid, team))
    companies = max(1, n // 5)
    con.executemany(
        "INSERT INTO Companies(Name, NameKey, Domain, City, Country, OwnerId, TeamId, Version, CreatedAt, UpdatedAt)"
        " VALUES (?,?,?,?,?,?,?,1,?,?)",
        ((name, fold(name), f"c{i}.example.de", "Köln", "DE", o, t, now, now)
         for i, name, (o, t) in ((i, f"{rnd.choice(last)} {rnd.choice(['GmbH', 'B.V.', 'Ltd', 'AG', 'KG'])} {i}", rnd.choice(reps))
                                 for i in range(companies))))
    first_company = con.execute("SELECT min(Id) FROM Companies").fetchone()[0]

    def contacts():
        for i in range(n):
            f, l = rnd.choice(first), rnd.choice(last)
            owner, team = rnd.choice(reps)
            email = f"{fold(f)}.{fold(l).replace(' ', '')}{i}@example.de"
            changed = f"2026-{1 + i % 11:02d}-{1 + i % 28:02d} 10:00:00"
            yield (f, l, fold(f"{l} {f}"), fold(f), email, email, rnd.choice(stages), rnd.choice(statuses),
                   first_company + rnd.randrange(companies), owner, team, "Köln", "DE", changed, changed)
    con.executemany(
        "INSERT INTO Contacts(FirstName, LastName, NameKey, FirstNameKey, Email, EmailKey, Stage, LeadStatus, CompanyId, OwnerId,"
        " TeamId, City, Country, Version, CreatedAt, UpdatedAt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?)", contacts())
con.execute("ANALYZE")
con.close()
print(f"seeded {n:,} contacts and {companies:,} companies in {time.time() - t0:.1f} s")
