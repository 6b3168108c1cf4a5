#!/usr/bin/env python3
"""The benchmark dataset, deterministic (seeded), in one tool:

  dataset.py csv N FILE                         import CSV of N rows (gen_import_csv.py: DE/NL/GB names, addresses, phones)
  dataset.py sqlite DB N [ACTIVITIES] [OPPS]    fill a migrated SQLite database: N contacts and N/5 companies
                                                (seed_contacts.py), ACTIVITIES activities with notes (default 2*N,
                                                seed_activities.py), OPPS open opportunities with next actions
                                                (default N/20, seed_pipeline.py; plus OPPS/5 closed ones)
  dataset.py postgres DB PSQL_URI               copy every filled table of that SQLite database into a migrated
                                                PostgreSQL database with COPY through psql (identity sequences reset)

So both providers hold the same rows: the PostgreSQL database is loaded from the seeded SQLite file.
"""
import os, sqlite3, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(script, *args, stdout=None):
    subprocess.run([sys.executable, os.path.join(HERE, script), *map(str, args)], check=True, stdout=stdout)


def csv(n, path):
    with open(path, "w", encoding="utf-8") as f:
        run("gen_import_csv.py", n, stdout=f)


def sqlite(db, n, activities=None, opps=None):
    run("seed_contacts.py", db, n)
    run("seed_activities.py", db, 2 * n if activities is None else activities)
    run("seed_pipeline.py", db, n // 20 if opps is None else opps)


def copy_text(v):
    if v is None:
        return "\\N"
    if isinstance(v, bytes):
        return "\\\\x" + v.hex()
    if isinstance(v, float):
        return repr(v)
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def postgres(db, uri):
    t0 = time.time()
    q = lambda sql: subprocess.run(["psql", uri, "-XAtq", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
    pg_cols = {}
    for line in q("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
                  " AND is_generated = 'NEVER' ORDER BY table_name, ordinal_position").splitlines():
        t, c = line.split("\t")
        pg_cols.setdefault(t, []).append(c)
    con = sqlite3.connect(db)
    tables = []
    for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"):
        if t not in pg_cols or t == "__EFMigrationsHistory" or con.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() is None:
            continue
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")') if r[1] in pg_cols[t]]
        tables.append((t, cols))
    psql = subprocess.Popen(["psql", uri, "-Xq", "-v", "ON_ERROR_STOP=1", "-f", "-"], stdin=subprocess.PIPE, text=True,
                            encoding="utf-8", stdout=subprocess.DEVNULL)
    w = psql.stdin.write
    w("SET session_replication_role = replica;\nSET TIME ZONE 'UTC';\nBEGIN;\n")
    w("TRUNCATE " + ", ".join(f'"{t}"' for t, _ in tables) + " CASCADE;\n")
    counts = {}
    for t, cols in tables:
        w(f'COPY "{t}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) FROM STDIN;\n')
        k = 0
        for row in con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{t}"'):
            w("\t".join(map(copy_text, row)) + "\n")
            k += 1
        w("\\.\n")
        counts[t] = k
        if "Id" in cols:
            w(f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'Id'), (SELECT max(\"Id\") FROM \"{t}\"));\n")
    w("COMMIT;\nANALYZE;\n")
    psql.stdin.close()
    if psql.wait() != 0:
        sys.exit("dataset.py: loading PostgreSQL failed")
    big = ", ".join(f"{counts[t]:,} {t}" for t in ("Contacts", "Companies", "Activities", "Opportunities") if t in counts)
    print(f"loaded PostgreSQL from {os.path.basename(db)}: {len(tables)} tables ({big}) in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "csv":
        csv(int(a[1]), a[2])
    elif len(a) >= 3 and a[0] == "sqlite":
        sqlite(a[1], int(a[2]), *(int(x) for x in a[3:5]))
    elif len(a) == 3 and a[0] == "postgres":
        postgres(a[1], a[2])
    else:
        sys.exit(__doc__)
