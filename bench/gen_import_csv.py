#!/usr/bin/env python3
"""Writes a synthetic trade-fair list to stdout: N rows of ~150 bytes, semicolon-separated, German/Dutch names.
Deterministic (seeded); about 1 % duplicate e-mails and 1 % invalid values, as real purchased lists have."""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
r = random.Random(42)
first = ["Jürgen", "Anna", "Peter", "Sabine", "Jan", "Femke", "Thomas", "Katrin", "Pieter", "Lotte", "Michael", "Ulrike"]
last = ["Müller", "Schäfer", "Groß", "de Vries", "Jansen", "Schmidt", "Weber", "Bakker", "Fischer", "Visser", "Becker", "Meyer"]
forms = ["GmbH", "AG", "KG", "B.V.", "GmbH & Co. KG"]
cities = ["Hannover", "Köln", "Berlin", "Amsterdam", "Utrecht", "München", "Hamburg", "Rotterdam"]
out = sys.stdout
out.write("Vorname;Nachname;Firma;E-Mail;Telefon;Straße;PLZ;Ort\n")
for i in range(n):
    f, l, c = r.choice(first), r.choice(last), r.choice(cities)
    company = f"{r.choice(last)} {r.choice(['Anlagenbau', 'Logistik', 'Handel', 'Technik'])} {i // 7} {r.choice(forms)}"
    k = i - 1 if i and r.random() < 0.01 else i  # ~1 % repeat the previous row's address
    email = f"kontakt{k}@firma{k // 7}.example" if r.random() > 0.01 else "keine-angabe"
    phone = f"0{r.randint(30, 899)} {r.randint(100000, 9999999)}"
    out.write(f"{f};{l};{company};{email};{phone};Hauptstraße {r.randint(1, 200)};{r.randint(10000, 99999)};{c}\n")
