#!/usr/bin/env bash
# Import speed and memory: a generated N-row list (default 1,000,000, ~150 bytes a row) imported end to end by
# `prospector import` (parse, map, normalise, dedupe, store) into SQLite and PostgreSQL, against the raw loaders
# `sqlite3 .import` and `psql \copy` of the same file, measured in the same run. Peak memory from /usr/bin/time.
#   bench/import.sh [N]        (PostgreSQL: set PROSPECTOR_BENCH_POSTGRES to an admin connection URI, else it is skipped)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
N="${1:-1000000}"
WORK="$(mktemp -d /tmp/prospector-bench-import.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
[[ -f src/Prospector/bin/Release/net10.0/prospector.dll ]] || dotnet build src/Prospector -c Release -v q -nologo >/dev/null
EXE=(dotnet src/Prospector/bin/Release/net10.0/prospector.dll)
python3 bench/gen_import_csv.py "$N" > "$WORK/list.csv"
SIZE=$(du -m "$WORK/list.csv" | cut -f1)
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.1f}')"; }
rss() { awk '/Maximum resident set size/ {printf "%.0f", $6/1024}' "$1"; }

# Migrate first, so the timed import measures the import only.
"${EXE[@]}" migrate --data-dir "$WORK/data" >/dev/null
t0=$(now)
/usr/bin/time -v -o "$WORK/time.txt" "${EXE[@]}" import "$WORK/list.csv" --list Bench --country DE --data-dir "$WORK/data" > "$WORK/out.txt"
t1=$(now)
IMPORT_S=$(secs "$t0" "$t1"); IMPORT_MB=$(rss "$WORK/time.txt")
t0=$(now)
sqlite3 "$WORK/raw.db" -cmd ".mode csv" -cmd ".separator ;" ".import $WORK/list.csv raw"
t1=$(now)
RAW_S=$(secs "$t0" "$t1")

{
  echo "# Import benchmark ($(date -u +%F), $(nproc) cores)"
  echo
  echo "File: $N rows, ${SIZE} MB (bench/gen_import_csv.py). \`prospector import\`: $(tail -n 1 "$WORK/out.txt")"
  echo
  echo "| database | prospector import | peak memory | raw loader | raw loader time | ratio |"
  echo "|---|---|---|---|---|---|"
  echo "| SQLite | ${IMPORT_S} s | ${IMPORT_MB} MB | \`sqlite3 .import\` | ${RAW_S} s | $(python3 -c "print(f'{$IMPORT_S / $RAW_S:.1f}×')") |"
  if [[ -n "${PROSPECTOR_BENCH_POSTGRES:-}" ]]; then
    DB="prospector_bench_$$"
    psql "$PROSPECTOR_BENCH_POSTGRES" -qc "CREATE DATABASE $DB" >/dev/null
    PGURI="${PROSPECTOR_BENCH_POSTGRES%/*}/$DB"
    CS="$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(f'Host={p.hostname};Port={p.port or 5432};Username={p.username};Password={p.password or \"\"};Database={p.path[1:]}')" "$PGURI")"
    export Database__Provider=Postgres ConnectionStrings__Prospector="$CS"
    "${EXE[@]}" migrate >/dev/null
    t0=$(now)
    /usr/bin/time -v -o "$WORK/time-pg.txt" "${EXE[@]}" import "$WORK/list.csv" --list Bench --country DE > "$WORK/out-pg.txt"
    t1=$(now)
    PG_S=$(secs "$t0" "$t1"); PG_MB=$(rss "$WORK/time-pg.txt")
    psql "$PGURI" -qc "CREATE TABLE raw (a text, b text, c text, d text, e text, f text, g text, h text, i text)"
    t0=$(now)
    psql "$PGURI" -qc "\\copy raw FROM '$WORK/list.csv' WITH (FORMAT csv, DELIMITER ';', HEADER true)"
    t1=$(now)
    PGRAW_S=$(secs "$t0" "$t1")
    unset Database__Provider ConnectionStrings__Prospector
    psql "$PROSPECTOR_BENCH_POSTGRES" -qc "DROP DATABASE $DB WITH (FORCE)" >/dev/null
    echo "| PostgreSQL | ${PG_S} s | ${PG_MB} MB | \`psql \\copy\` | ${PGRAW_S} s | $(python3 -c "print(f'{$PG_S / $PGRAW_S:.1f}×')") |"
  else
    echo "| PostgreSQL | (skipped: set PROSPECTOR_BENCH_POSTGRES) | | | | |"
  fi
} | tee bench/results/import-latest.md
