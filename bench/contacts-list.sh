#!/usr/bin/env bash
# Is the contacts list snappy at a million contacts on SQLite? Seeds N contacts into a fresh database,
# starts the real server and measures the list/search/filter requests the UI grid makes, next to a
# trivial endpoint of the same server as the baseline. Not part of ./test.sh.
#   bench/contacts-list.sh [N]        (default 1000000; e.g. 100000 for a quick run)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
N="${1:-1000000}"
command -v sqlite3 >/dev/null || { echo "bench: installing sqlite3" >&2; apt-get install -y -qq sqlite3 >/dev/null; }

dotnet build src/Prospector -c Release -v quiet -nologo >/dev/null
EXE=(dotnet src/Prospector/bin/Release/net10.0/prospector.dll)
DIR="$(mktemp -d /tmp/prospector-bench.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT

"${EXE[@]}" migrate --data-dir "$DIR" >/dev/null
echo "bench-admin-password" | "${EXE[@]}" user add admin@bench.example --role admin --data-dir "$DIR" >/dev/null
echo "bench-rep-password!" | "${EXE[@]}" user add rep@bench.example --role rep --team Nord --data-dir "$DIR" >/dev/null
ADMIN="$("${EXE[@]}" token create admin@bench.example --data-dir "$DIR")"
REP="$("${EXE[@]}" token create rep@bench.example --data-dir "$DIR")"
python3 bench/seed_contacts.py "$DIR/prospector.db" "$N"
echo "database: $(du -h "$DIR/prospector.db" | cut -f1), $(sqlite3 "$DIR/prospector.db" 'select count(*) from Contacts') contacts"

"${EXE[@]}" serve --data-dir "$DIR" --urls "http://127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.5; done

echo
echo "### $N contacts, SQLite, $(nproc) cores, $(date -u +%F), commit $(git rev-parse --short HEAD)"
echo
echo "Admin (sees all):"
python3 bench/measure_http.py "http://127.0.0.1:$PORT" "$ADMIN" \
  "first page by name=/api/v1/contacts?pageSize=50" \
  "page 200 by name=/api/v1/contacts?pageSize=50&page=200" \
  "newest changed first=/api/v1/contacts?pageSize=50&sort=UpdatedDesc" \
  "stage = Prospect=/api/v1/contacts?pageSize=50&stage=Prospect" \
  "search 'mül' (as you type)=/api/v1/contacts?pageSize=50&q=m%C3%BCl" \
  "search 'jansen femke'=/api/v1/contacts?pageSize=50&q=jansen%20femke" \
  "one contact=/api/v1/contacts/4242"
echo
echo "Rep of one team (record-level visibility applied):"
python3 bench/measure_http.py "http://127.0.0.1:$PORT" "$REP" \
  "first page by name=/api/v1/contacts?pageSize=50" \
  "stage = Lead=/api/v1/contacts?pageSize=50&stage=Lead" \
  "search 'schä'=/api/v1/contacts?pageSize=50&q=sch%C3%A4"
