#!/usr/bin/env bash
# Is the pipeline snappy with many open deals? Seeds N contacts and M open opportunities (with next actions) into a fresh
# SQLite database, starts the real server and times the kanban board, a deep column page, the to-do buckets and the
# "without next action" list, next to a trivial endpoint of the same server as the baseline. Not part of ./test.sh.
#   bench/pipeline.sh [M] [N]        (defaults: 10000 open opportunities, 100000 contacts)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
M="${1:-10000}"
N="${2:-100000}"
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
python3 bench/seed_pipeline.py "$DIR/prospector.db" "$M"
DB="$DIR/prospector.db"
echo "open opportunities: $(sqlite3 "$DB" "select count(*) from Opportunities where State='Open'"), next actions: $(sqlite3 "$DB" "select count(*) from NextActions")"
STEP="$(sqlite3 "$DB" "select Id from PipelineSteps order by SortOrder limit 1")"

# No reminders during the measurement: they are not what is timed here.
Reminders__PollSeconds=3600 "${EXE[@]}" serve --data-dir "$DIR" --urls "http://127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.5; done

echo
echo "### $M open opportunities, $N contacts, SQLite, $(nproc) cores, $(date -u +%F), commit $(git rev-parse --short HEAD)"
echo
echo "Admin (sees all):"
python3 bench/measure_http.py "http://127.0.0.1:$PORT" "$ADMIN" \
  "kanban board (7 columns x 25 cards)=/api/v1/pipelines/1/board" \
  "column page 20 (list endpoint)=/api/v1/opportunities?pipelineId=1&stepId=$STEP&state=Open&pageSize=25&page=20" \
  "to do: today, everyone=/api/v1/tasks?bucket=Today&all=true" \
  "to do: overdue, everyone=/api/v1/tasks?bucket=Overdue&all=true" \
  "without next action, everyone=/api/v1/tasks/without-next-action?all=true"
echo
echo "Rep of one team (record-level visibility applied):"
python3 bench/measure_http.py "http://127.0.0.1:$PORT" "$REP" \
  "kanban board=/api/v1/pipelines/1/board" \
  "to do: today=/api/v1/tasks?bucket=Today" \
  "without next action=/api/v1/tasks/without-next-action"
