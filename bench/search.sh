#!/usr/bin/env bash
# Global search and timelines at scale on SQLite: seeds N contacts (seed_contacts.py) and M activities with
# Markdown notes (seed_activities.py, one contact with T timeline entries), starts the real server and measures
# search as you type (each keystroke is one request) and the first timeline page of the busy contact, next to a
# trivial endpoint of the same server as the baseline. Not part of ./test.sh.
#   bench/search.sh [N] [M] [T]      (default 1000000 2000000 500; e.g. 100000 200000 for a quick run)
#   BENCH_CONTACTS_DB=file           start from a copy of a database with N seeded contacts and no activities
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
N="${1:-1000000}"; M="${2:-2000000}"; T="${3:-500}"
command -v sqlite3 >/dev/null || { echo "bench: installing sqlite3" >&2; apt-get install -y -qq sqlite3 >/dev/null; }

dotnet build src/Prospector -c Release -v quiet -nologo >/dev/null
EXE=(dotnet src/Prospector/bin/Release/net10.0/prospector.dll)
DIR="$(mktemp -d /tmp/prospector-bench.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT

if [[ -n "${BENCH_CONTACTS_DB:-}" ]]; then
  # Reuse a database seeded by an earlier run (contacts only): seeding a million contacts takes minutes.
  cp "$BENCH_CONTACTS_DB" "$DIR/prospector.db"
  "${EXE[@]}" migrate --data-dir "$DIR" >/dev/null 2>&1
else
  "${EXE[@]}" migrate --data-dir "$DIR" >/dev/null 2>&1
  echo "bench-admin-password" | "${EXE[@]}" user add admin@bench.example --role admin --data-dir "$DIR" >/dev/null
  echo "bench-rep-password!" | "${EXE[@]}" user add rep@bench.example --role rep --team Nord --data-dir "$DIR" >/dev/null
  python3 bench/seed_contacts.py "$DIR/prospector.db" "$N"
fi
ADMIN="$("${EXE[@]}" token create admin@bench.example --data-dir "$DIR")"
REP="$("${EXE[@]}" token create rep@bench.example --data-dir "$DIR")"
python3 bench/seed_activities.py "$DIR/prospector.db" "$M" "$T"
BUSY="$(sqlite3 "$DIR/prospector.db" 'select min(Id) from Contacts')"
echo "database: $(du -h "$DIR/prospector.db" | cut -f1), $(sqlite3 "$DIR/prospector.db" 'select count(*) from Contacts') contacts, $(sqlite3 "$DIR/prospector.db" 'select count(*) from Activities') activities"

"${EXE[@]}" serve --data-dir "$DIR" --urls "http://127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.5; done

# Typing "Müller" then a word from the notes, one request per keystroke as the search box sends them.
TYPING=()
for q in m m%C3%BC m%C3%BCl m%C3%BCll m%C3%BClle m%C3%BCller mueller sch sch%C3%A4 jansen%20femke dat datev pipedr rabatt%20angebot; do
  TYPING+=("q=$(python3 -c "import urllib.parse,sys; print(urllib.parse.unquote(sys.argv[1]))" "$q")=/api/v1/search?limit=8&q=$q")
done

echo
echo "### $N contacts, $M activities, SQLite, $(nproc) cores, $(date -u +%F), commit $(git rev-parse --short HEAD)"
echo
echo "Admin (sees all), search as you type:"
python3 bench/measure_http.py "http://127.0.0.1:$PORT" "$ADMIN" "${TYPING[@]}"
echo
echo "Rep of one team (record-level visibility applied), search as you type:"
python3 bench/measure_http.py "http://127.0.0.1:$PORT" "$REP" "${TYPING[@]}"
echo
echo "Timeline of a contact with $T entries (admin):"
python3 bench/measure_http.py "http://127.0.0.1:$PORT" "$ADMIN" \
  "first page (25)=/api/v1/timeline?contactId=$BUSY&pageSize=25" \
  "page 10 (25)=/api/v1/timeline?contactId=$BUSY&pageSize=25&page=10" \
  "only phone calls=/api/v1/timeline?contactId=$BUSY&pageSize=25&channel=Phone" \
  "activity list of the contact=/api/v1/activities?contactId=$BUSY&pageSize=25"
