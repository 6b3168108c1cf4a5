#!/usr/bin/env bash
# Team load on the read paths (issue #15 point 2): the contacts list (the UI's filters, sorts and a deep page), global
# search per keystroke, the kanban board, each To do bucket and "without next action", as an admin and as a rep of one
# team, with wrk at 16 and 64 connections, next to GET /health/live of the same server measured in the same run.
# SQLite; not part of ./test.sh.
#   bench/team-load.sh [N] [--keep DIR] [--dur SECONDS] [--only REGEX] [--no-build] [--out FILE]
#     N            contacts (default 1000000); 2N activities, N/20 open opportunities with next actions (dataset.py)
#     --keep DIR   seed into DIR once and reuse it on later runs (migrated first, so new indexes apply); kept at exit
#     --dur S      seconds per wrk run (default 5)
#     --only RE    only the request classes whose name matches RE (grep -E), e.g. 'search|board'
#     --no-build   use the existing Release build
#     --out FILE   also write the results (markdown) to FILE
# PROSPECTOR_BENCH_DLL=/path/prospector.dll measures another build (e.g. a copy of the previous one, for before/after).
# Targets: p99 < 100 ms at 64 connections; req/s at 16 connections >= 10 % of the ceiling's req/s at 16.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
N=1000000; KEEP=""; DUR=5; ONLY=""; BUILD=1; OUT=""
while (($#)); do
  case "$1" in
    --keep) KEEP="$2"; shift ;;
    --dur) DUR="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) N="$1" ;;
    *) echo "team-load.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for tool in sqlite3 wrk; do command -v "$tool" >/dev/null || { echo "team-load.sh: needs $tool (apt-get install $tool)" >&2; exit 1; }; done
LOAD_AT_START="$(cut -d" " -f1-3 /proc/loadavg)"
log() { printf '[%s] %s\n' "$(date -u +%T)" "$*" >&2; }
calc() { python3 -c "print(f'{$1:$2}')"; }

if ((BUILD)); then log "building (Release)"; dotnet build src/Prospector -c Release -v quiet -nologo >/dev/null; fi
EXE=(dotnet "${PROSPECTOR_BENCH_DLL:-$PWD/src/Prospector/bin/Release/net10.0/prospector.dll}")
if [[ -n "$KEEP" ]]; then DIR="$KEEP"; mkdir -p "$DIR"; else DIR="$(mktemp -d /tmp/prospector-team-load.XXXXXX)"; fi
DB="$DIR/prospector.db"
SERVER=""
cleanup() {
  [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  [[ -z "$KEEP" ]] && rm -rf "$DIR"
  return 0
}
trap cleanup EXIT

"${EXE[@]}" migrate --data-dir "$DIR" >/dev/null
if [[ "$(sqlite3 "$DB" 'SELECT count(*) FROM Users')" == 0 ]]; then
  echo "bench-admin-password" | "${EXE[@]}" user add admin@bench.example --role admin --data-dir "$DIR" >/dev/null
  echo "bench-rep-password!" | "${EXE[@]}" user add rep@bench.example --role rep --team Nord --data-dir "$DIR" >/dev/null
  log "seeding $N contacts, $((2 * N)) activities, $((N / 20)) open opportunities into $DIR"
  python3 bench/dataset.py sqlite "$DB" "$N" >&2
else
  log "reusing the seeded database in $DIR"
fi
ADMIN="$("${EXE[@]}" token create admin@bench.example --data-dir "$DIR")"
REP="$("${EXE[@]}" token create rep@bench.example --data-dir "$DIR")"
PIPELINE="$(sqlite3 "$DB" 'SELECT Id FROM Pipelines WHERE IsDefault = 1')"
COUNTS="$(sqlite3 "$DB" "SELECT printf('%,d contacts, %,d activities, %,d open opportunities, %,d open next actions',
  (SELECT count(*) FROM Contacts), (SELECT count(*) FROM Activities), (SELECT count(*) FROM Opportunities WHERE State = 'Open'),
  (SELECT count(*) FROM NextActions WHERE Status = 'Open'))")"
REP_OWNER="$(sqlite3 "$DB" "SELECT OwnerId FROM Contacts WHERE TeamId = (SELECT Id FROM Teams WHERE Name = 'Nord') AND OwnerId IS NOT NULL LIMIT 1")"
TAG="$(sqlite3 "$DB" 'SELECT Name FROM Tags LIMIT 1' 2>/dev/null || true)"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
Reminders__PollSeconds=3600 "${EXE[@]}" serve --data-dir "$DIR" --urls "$BASE" >"$DIR/server.log" 2>&1 &
SERVER=$!
until curl -sf "$BASE/health/ready" >/dev/null; do
  kill -0 "$SERVER" 2>/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
  sleep 0.2
done

servercpu() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$SERVER/stat"; }   # seconds of CPU
wrkrun() {  # wrkrun CONNS PATH TOKEN [SECONDS] → "rps p50 p99 non2xx errors"
  BENCH_TOKEN="$3" wrk -t2 -c"$1" -d"${4:-$DUR}s" --timeout 30s -s bench/wrk.lua "$BASE$2" |
    awk '/^BENCH/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["rps"], v["p50"], v["p99"], v["non2xx"], v["errors"] }'
}

# name|path; each runs as the admin and as the rep (team Nord).
CLASSES=(
  "contacts: first page by name|/api/v1/contacts?pageSize=50"
  "contacts: stage=Lead, status=Working, page 3|/api/v1/contacts?stage=Lead&status=Working&pageSize=50&page=3"
  "contacts: page 200 by name|/api/v1/contacts?pageSize=50&page=200"
  "contacts: page 2000 by name (deep)|/api/v1/contacts?pageSize=50&page=2000"
  "contacts: newest changed first|/api/v1/contacts?pageSize=50&sort=UpdatedDesc"
  "contacts: last contacted, latest first|/api/v1/contacts?pageSize=50&sort=LastContactedDesc"
  "contacts: owner filter|/api/v1/contacts?pageSize=50&ownerId=$REP_OWNER"
  "contacts: not contacted for 90 days|/api/v1/contacts?pageSize=50&stale=true"
  "contacts: search 'mül' in the list|/api/v1/contacts?pageSize=50&q=m%C3%BCl"
  "search: m|/api/v1/search?limit=8&q=m"
  "search: mü|/api/v1/search?limit=8&q=m%C3%BC"
  "search: mül|/api/v1/search?limit=8&q=m%C3%BCl"
  "search: müll|/api/v1/search?limit=8&q=m%C3%BCll"
  "board (7 columns)|/api/v1/pipelines/$PIPELINE/board"
  "to do: overdue, all visible|/api/v1/tasks?bucket=Overdue&all=true"
  "to do: today, all visible|/api/v1/tasks?bucket=Today&all=true"
  "to do: upcoming, all visible|/api/v1/tasks?bucket=Upcoming&all=true"
  "to do: standby, all visible|/api/v1/tasks?bucket=Standby&all=true"
  "without next action, all visible|/api/v1/tasks/without-next-action?all=true"
)
[[ -n "$TAG" ]] && CLASSES+=("contacts: tag filter|/api/v1/contacts?pageSize=50&tag=$TAG")

R="$(mktemp)"
log "ceiling: GET /health/live at 16 and 64 connections"
declare -A CEIL
for c in 16 64; do CEIL[$c]="$(wrkrun "$c" /health/live "")"; done
{
  echo "### team-load.sh $N: SQLite, $(nproc) cores, $(date -u '+%F %H:%M') UTC, commit $(git rev-parse --short HEAD)"
  echo
  echo "Dataset: $COUNTS. wrk ${DUR} s per row (2 threads, on the same machine). Load average at start: $LOAD_AT_START."
  echo "Ceiling: GET /health/live of the same server: 16 conns $(calc "${CEIL[16]%% *}" ,.0f) req/s, 64 conns $(calc "${CEIL[64]%% *}" ,.0f) req/s."
  echo "Targets: p99 < 100 ms at 64 conns; req/s at 16 conns ≥ 10 % of the ceiling's."
  echo
  echo "Server CPU per request: the server process's CPU time (user + system) during the 16-connection run divided by the requests"
  echo "it answered — the cost of one request, less disturbed by other work on a shared machine than req/s."
  echo
  echo "| request | as | req/s 16 | p50 16 | p99 16 | share of ceiling 16 | server CPU ms/req 16 | req/s 64 | p50 64 | p99 64 | targets | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
} | tee -a "$R"
for spec in "${CLASSES[@]}"; do
  name="${spec%%|*}"; path="${spec#*|}"
  [[ -n "$ONLY" ]] && ! grep -qE "$ONLY" <<<"$name" && continue
  for who in admin rep; do
    token=$ADMIN; [[ $who == rep ]] && token=$REP
    wrkrun 16 "$path" "$token" 1 >/dev/null   # warm-up
    c0=$(servercpu)
    read -r r16 a16 b16 n16 e16 <<<"$(wrkrun 16 "$path" "$token")" || true
    c1=$(servercpu)
    read -r r64 a64 b64 n64 e64 <<<"$(wrkrun 64 "$path" "$token")" || true
    share=$(calc "${r16:-0} / ${CEIL[16]%% *}" .3f)
    # wrk counts completed requests only: 0 req/s means none finished within the run (p99 unknown, so not met).
    ok=$(python3 -c "print(('✓' if 0 < ${r64:-0} and ${b64:-1e9} < 100 else '✗ p99') + (' ✓' if ${share} >= 0.10 else ' ✗ req/s'))")
    echo "| $name | $who | $(calc "${r16:-0}" ,.0f) | $(calc "${a16:-0}" .1f) | $(calc "${b16:-0}" .1f) | $share | $(python3 -c "r = ${r16:-0} * $DUR; print(f'{($c1 - $c0) * 1000 / r:.1f}' if r else '-')") | $(calc "${r64:-0}" ,.0f) | $(calc "${a64:-0}" .1f) | $(calc "${b64:-0}" .1f) | $ok | $((n16 + e16 + n64 + e64)) |" | tee -a "$R"
  done
done
echo | tee -a "$R"
echo "Load average at end: $(cut -d" " -f1-3 /proc/loadavg)." | tee -a "$R"
[[ -n "$OUT" ]] && cp "$R" "$OUT"
rm -f "$R"
