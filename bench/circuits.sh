#!/usr/bin/env bash
# Live pages under load (issue #15 point 3): N signed-in users with real Blazor circuits (one headless chromium, one
# browser context each; half on /contacts, half on the board /pipeline), each toggling a filter every few seconds for a
# bounded time. Measures interaction latency (click to the DOM showing the result) against one user alone in the same
# run, server VmRSS, dropped circuits and memory per idle circuit. Not part of ./test.sh.
#   bench/circuits.sh [--users 50] [--contacts 100000] [--deals N/20] [--seconds 60] [--every 3000] [--steps 10,25,50]
#                     [--keep DIR] [--out FILE]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
USERS=50 CONTACTS=100000 DEALS="" SECONDS_=60 EVERY=3000 STEPS="" KEEP="" OUT="bench/results/circuits-latest.md"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --users) USERS="$2"; shift 2 ;;
    --contacts) CONTACTS="$2"; shift 2 ;;
    --deals) DEALS="$2"; shift 2 ;;
    --seconds) SECONDS_="$2"; shift 2 ;;
    --every) EVERY="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --keep) KEEP="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
DEALS="${DEALS:-$((CONTACTS / 20))}"
command -v sqlite3 >/dev/null || { echo "bench: installing sqlite3" >&2; apt-get install -y -qq sqlite3 >/dev/null; }
command -v node >/dev/null || { echo "bench: node is needed (Playwright for Node drives the browsers)" >&2; exit 2; }

dotnet build src/Prospector -c Release -v quiet -nologo >/dev/null
[[ -d tests/Prospector.Tests/bin/Release/net10.0/.playwright/package || -n "${PLAYWRIGHT_NODE_PACKAGE:-}" ]] \
  || dotnet build tests/Prospector.Tests -c Release -v quiet -nologo >/dev/null
EXE=(dotnet src/Prospector/bin/Release/net10.0/prospector.dll)
DIR="${KEEP:-$(mktemp -d /tmp/prospector-circuits.XXXXXX)}"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; [[ -z "$KEEP" ]] && rm -rf "$DIR"; true; }
trap cleanup EXIT

ADMIN_PW="bench-admin-password" REP_PW="bench-rep-password!"
if [[ ! -f "$DIR/seeded" ]]; then
  mkdir -p "$DIR"
  "${EXE[@]}" migrate --data-dir "$DIR" >/dev/null
  echo "$ADMIN_PW" | "${EXE[@]}" user add admin@bench.example --role admin --data-dir "$DIR" >/dev/null
  for r in 1 2 3 4; do
    team=$([[ $((r % 2)) == 1 ]] && echo Nord || echo Süd)
    echo "$REP_PW" | "${EXE[@]}" user add "rep$r@bench.example" --role rep --team "$team" --data-dir "$DIR" >/dev/null
  done
  python3 bench/seed_contacts.py "$DIR/prospector.db" "$CONTACTS"
  python3 bench/seed_pipeline.py "$DIR/prospector.db" "$DEALS"
  touch "$DIR/seeded"
else
  "${EXE[@]}" migrate --data-dir "$DIR" >/dev/null
fi
DB="$DIR/prospector.db"
DATASET="$(sqlite3 "$DB" 'select count(*) from Contacts') contacts, $(sqlite3 "$DB" "select count(*) from Opportunities where State='Open'") open deals"

# The reminder dispatcher runs at its default cadence, as on a live server (the bell of every open page polls at it).
"${EXE[@]}" serve --data-dir "$DIR" --urls "http://127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.5; done
# The server's own process (dotnet runs the dll in place, so $SERVER is it).
USERS_JSON="[{\"email\":\"admin@bench.example\",\"password\":\"$ADMIN_PW\"}$(for r in 1 2 3 4; do printf ',{"email":"rep%s@bench.example","password":"%s"}' "$r" "$REP_PW"; done)]"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
ARGS=(--users "$USERS" --seconds "$SECONDS_" --every "$EVERY")
[[ -n "$STEPS" ]] && ARGS+=(--steps "$STEPS")
REPORT="$(node bench/circuits.js "http://127.0.0.1:$PORT" "$SERVER" "$USERS_JSON" "${ARGS[@]}")"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

{
  echo "# Live pages: $USERS Blazor circuits"
  echo
  echo "\`bench/circuits.sh --users $USERS --contacts $CONTACTS --seconds $SECONDS_ --every $EVERY\` on $(nproc) cores" \
       "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GB," \
       "$(date -u '+%F %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (+ uncommitted changes)');" \
       "SQLite, $DATASET; one headless chromium on the same machine. Load average before: $LOAD_BEFORE; after: $LOAD_AFTER."
  echo
  echo "Users are signed in through /account/login (an admin and 4 reps in teams Nord/Süd, taken in turn). Even-numbered"
  echo "contexts are on /contacts and alternate between picking a stage in the Stage select and the \"Not contacted recently\""
  echo "switch; odd ones are on /pipeline and toggle \"Rotting only\". Latency is timed in the page (performance.now()) from the"
  echo "click to the DOM showing the result: the grid's data-loads changed (rows rendered), or the board's cards equal what the"
  echo "server says it shows (data-cards)."
  echo
  echo "$REPORT"
} | tee "$OUT"
