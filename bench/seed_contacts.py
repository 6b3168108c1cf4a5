#!/usr/bin/env python3
"""Fills a migrated Prospector SQLite database with N synthetic contacts (and N/5 companies) for benchmarks.

Deterministic (seeded); German, Dutch and English names with umlauts; owners spread over 8 reps in 4 teams.
Writes straight into the tables the app created (run `prospector migrate` first), in one transaction.
Usage: seed_contacts.py DB_FILE N
Each contact has a street address and a landline in the format of its country (DE, NL or GB).
"""
import random, sqlite3, sys, time, unicodedata

db_file, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261123)
# Names, streets, cities and phone formats per country: (weight, first names, last names, streets, (postcode, city) pairs,
# the cities' area codes in the same order, E.164 country code). German 50 %, Dutch 25 %, English 25 %.
LOCALES = {
    "DE": (["Jörg", "Anna", "Lukas", "Sophie", "Thomas", "Sabine", "Michael", "Julia", "Stefan", "Katrin", "Oliver", "Jürgen",
            "Björn", "Ute", "Sven", "Lena", "Finn", "Tim", "Ingrid", "Anke", "Paul", "Mia", "Emma", "Noah"],
           ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer",
            "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
            "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Öztürk", "Yılmaz", "Kowalski", "Nowak"],
           ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Dorfstraße", "Lindenallee", "Am Markt", "Goethestraße",
            "Industriestraße", "Königsallee", "Rheinuferstraße", "Mühlenweg"],
           [("50667", "Köln"), ("10115", "Berlin"), ("20095", "Hamburg"), ("80331", "München"), ("30159", "Hannover"),
            ("60311", "Frankfurt am Main"), ("70173", "Stuttgart"), ("40213", "Düsseldorf"), ("04109", "Leipzig"), ("28195", "Bremen"),
            ("90402", "Nürnberg"), ("01067", "Dresden")],
           ["221", "30", "40", "89", "511", "69", "711", "211", "341", "421", "911", "351"], "+49"),
    "NL": (["Jan", "Femke", "Daan", "Lotte", "Pieter", "Sanne", "Bram", "Eva", "Maarten", "Kees", "Anke", "Emma", "Noah", "Ruth"],
           ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer",
            "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer"],
           ["Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsweg", "Schoolstraat", "Nieuwstraat", "Marktplein", "Julianalaan",
            "Beatrixlaan", "Herengracht"],
           [("1012 AB", "Amsterdam"), ("3011 BD", "Rotterdam"), ("3511 AX", "Utrecht"), ("2511 CV", "Den Haag"),
            ("5611 AZ", "Eindhoven"), ("9711 LV", "Groningen"), ("6811 AA", "Arnhem"), ("2011 HK", "Haarlem")],
           ["20", "10", "30", "70", "40", "50", "26", "23"], "+31"),
    "GB": (["Oliver", "Emma", "Noah", "Liam", "Olivia", "George", "Amelia", "Harry", "Mia", "Paul", "Ruth", "Thomas", "Sophie"],
           ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans",
            "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke"],
           ["High Street", "Station Road", "Church Lane", "Victoria Road", "Main Street", "Park Road", "London Road", "Mill Lane",
            "Queen Street", "The Crescent"],
           [("EC1A 1BB", "London"), ("M1 1AE", "Manchester"), ("B1 1AA", "Birmingham"), ("LS1 1UR", "Leeds"), ("BS1 4DJ", "Bristol"),
            ("L1 8JQ", "Liverpool"), ("NE1 4ST", "Newcastle"), ("CB2 1TN", "Cambridge")],
           ["20", "161", "121", "113", "117", "151", "191", "1223"], "+44"),
}
COUNTRIES = ["DE", "DE", "NL", "GB"]
first = sorted({f for loc in LOCALES.values() for f in loc[0]})
last = sorted({n for loc in LOCALES.values() for n in loc[1]})
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
    forms = {"DE": ["GmbH", "AG", "KG", "GmbH & Co. KG"], "NL": ["B.V.", "N.V."], "GB": ["Ltd", "plc"]}

    def companies_rows():
        for i in range(companies):
            country = COUNTRIES[i % 4]
            _, lasts, streets, places, _, _ = LOCALES[country]
            name = f"{rnd.choice(lasts)} {rnd.choice(['Logistik', 'Technik', 'Handel', 'Bouw', 'Services', 'Systems'])} {i} {rnd.choice(forms[country])}"
            o, t = rnd.choice(reps)
            postcode, city = rnd.choice(places)
            yield (name, fold(name), f"c{i}.example.{country.lower()}", f"{rnd.choice(streets)} {rnd.randint(1, 180)}", postcode, city,
                   country, o, t, now, now)
    con.executemany(
        "INSERT INTO Companies(Name, NameKey, Domain, Street, PostalCode, City, Country, OwnerId, TeamId, Version, CreatedAt, UpdatedAt)"
        " VALUES (?,?,?,?,?,?,?,?,?,1,?,?)", companies_rows())
    first_company = con.execute("SELECT min(Id) FROM Companies").fetchone()[0]

    def contacts():
        for i in range(n):
            country = COUNTRIES[i % 4]
            firsts, lasts, streets, places, areas, cc = LOCALES[country]
            f, l = rnd.choice(firsts), rnd.choice(lasts)
            owner, team = rnd.choice(reps)
            email = f"{fold(f)}.{fold(l).replace(' ', '')}{i}@example.de"
            changed = f"2026-{1 + i % 11:02d}-{1 + i % 28:02d} 10:00:00"
            j = rnd.randrange(len(places))
            (postcode, city), area = places[j], areas[j]  # the city's area code
            digits = {"DE": 10, "NL": 9, "GB": 10}[country] - len(area)  # national number length without the leading 0
            local = str(rnd.randint(10 ** (digits - 1), 10 ** digits - 1))
            phone = f"0{area} {local}"
            yield (f, l, fold(f"{l} {f}"), fold(f), email, email, rnd.choice(stages), rnd.choice(statuses),
                   first_company + rnd.randrange(companies), owner, team, f"{rnd.choice(streets)} {rnd.randint(1, 180)}", postcode, city,
                   country, phone, f"{cc}{area}{local}", changed, changed)
    con.executemany(
        "INSERT INTO Contacts(FirstName, LastName, NameKey, FirstNameKey, Email, EmailKey, Stage, LeadStatus, CompanyId, OwnerId,"
        " TeamId, Street, PostalCode, City, Country, Phone, PhoneE164, Version, CreatedAt, UpdatedAt)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?)", contacts())
con.execute("ANALYZE")
con.close()
print(f"seeded {n:,} contacts and {companies:,} companies in {time.time() - t0:.1f} s")
