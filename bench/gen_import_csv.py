#!/usr/bin/env python3
"""Writes a synthetic trade-fair list to stdout: N rows of ~150 bytes, semicolon-separated, with German, Dutch and
English names, street addresses and landlines in each country's national format (DE 50 %, NL 25 %, GB 25 %).
Deterministic (seeded); about 1 % duplicate e-mails and 1 % invalid values, as real purchased lists have.
Usage: gen_import_csv.py [N] [SEED]      (default 1000000 rows, seed 42)"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
r = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 42)
LOCALES = {
    "DE": (["Jürgen", "Anna", "Peter", "Sabine", "Thomas", "Katrin", "Michael", "Ulrike", "Björn", "Lena"],
           ["Müller", "Schäfer", "Groß", "Schmidt", "Weber", "Fischer", "Becker", "Meyer", "Krüger", "Öztürk"],
           ["Anlagenbau", "Logistik", "Handel", "Technik"], ["GmbH", "AG", "KG", "GmbH & Co. KG"],
           ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Königsallee", "Mühlenweg"],
           [("Hannover", "511"), ("Köln", "221"), ("Berlin", "30"), ("München", "89"), ("Hamburg", "40")], 10, "{:05d}"),
    "NL": (["Jan", "Femke", "Pieter", "Lotte", "Daan", "Sanne"], ["de Vries", "Jansen", "Bakker", "Visser", "van Dijk", "de Boer"],
           ["Bouw", "Logistiek", "Handel", "Techniek"], ["B.V.", "N.V."], ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Julianalaan"],
           [("Amsterdam", "20"), ("Utrecht", "30"), ("Rotterdam", "10"), ("Den Haag", "70")], 9, "{:04d} AB"),
    "GB": (["Oliver", "Emma", "George", "Amelia", "Harry", "Sophie"], ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans"],
           ["Engineering", "Logistics", "Trading", "Systems"], ["Ltd", "plc"], ["High Street", "Station Road", "Church Lane", "Mill Lane"],
           [("London", "20"), ("Manchester", "161"), ("Leeds", "113"), ("Bristol", "117")], 10, "LS{:d} 1UR"),
}
COUNTRIES = ["DE", "DE", "NL", "GB"]
out = sys.stdout
out.write("Vorname;Nachname;Firma;E-Mail;Telefon;Straße;PLZ;Ort;Land\n")
for i in range(n):
    country = COUNTRIES[i % 4]
    firsts, lasts, trades, forms, streets, places, digits, postcode = LOCALES[country]
    f, l, (city, area) = r.choice(firsts), r.choice(lasts), r.choice(places)
    company = f"{r.choice(lasts)} {r.choice(trades)} {i // 7} {r.choice(forms)}"
    k = i - 1 if i and r.random() < 0.01 else i  # ~1 % repeat the previous row's address
    email = f"kontakt{k}@firma{k // 7}.example" if r.random() > 0.01 else "keine-angabe"
    local = digits - len(area)
    phone = f"0{area} {r.randint(10 ** (local - 1), 10 ** local - 1)}"
    out.write(f"{f};{l};{company};{email};{phone};{r.choice(streets)} {r.randint(1, 200)};"
              f"{postcode.format(r.randint(1000, 99999) if country == 'DE' else r.randint(1000, 9999) if country == 'NL' else r.randint(1, 28))};{city};{country}\n")
