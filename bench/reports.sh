#!/usr/bin/env bash
# Are the reports fast on a big workspace? Builds a deterministic dataset (contacts, companies, activities, opportunities,
# lifecycle histories, closed deals with reasons, the deals' step histories, prospecting lists), starts the real server and times each report of
# /api/v1/reports for a full year, all teams, as an admin and as a rep (p50/p95 over 20 runs), next to a
# `SELECT count(*)` over the lifecycle events in the same run. Not part of ./test.sh.
#   bench/reports.sh [--quick] [--provider sqlite|postgres] [--contacts N] [--out FILE]
#     (default) 1,000,000 contacts, 5,000,000 lifecycle events, 200,000 opportunities, 2,000,000 activities
#     --quick       everything / 10 (100,000 contacts)
#     --contacts N  N contacts, the rest in the same proportion
#     --provider    sqlite (default) or postgres: a throw-away cluster from Debian's package unless
#                   PROSPECTOR_BENCH_POSTGRES=postgresql://user[:password]@host:port/postgres names one (creates/drops bench_reports)
#     --keep DIR    keep the seeded SQLite data directory in DIR (and reuse it when it exists: no new dataset)
#     --out FILE    results file (default bench/results/reports-latest[-postgres].md)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
ROOT="$PWD"
N=1000000; PROVIDER=sqlite; OUT=""; KEEP=""
while (($#)); do
  case "$1" in
    --quick) N=100000 ;;
    --contacts) N="$2"; shift ;;
    --provider) PROVIDER="$2"; shift ;;
    --keep) KEEP="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "reports.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$PROVIDER" == sqlite || "$PROVIDER" == postgres ]] || { echo "reports.sh: --provider sqlite|postgres" >&2; exit 2; }
OUT="${OUT:-bench/results/reports-latest$([[ "$PROVIDER" == postgres ]] && echo -postgres).md}"
EVENTS=$((5 * N)); OPPS=$((N / 6)); ACTIVITIES=$((2 * N))   # seed_pipeline.py adds OPPS/5 closed ones: N/5 deals in all
YEAR=2025; PERIOD="from=$YEAR-01-01&to=$YEAR-12-31"
START=$(date +%s)
log() { printf '[%4ds] %s\n' "$(($(date +%s) - START))" "$*" >&2; }
command -v sqlite3 >/dev/null || { log "installing sqlite3"; apt-get install -y -qq sqlite3 >/dev/null; }
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

W="$(mktemp -d /tmp/prospector-bench-reports.XXXXXX)"
PGTMP=""; SERVER=""
if ((EUID == 0)); then as_pg=(runuser -u postgres --); else as_pg=(); fi
pg() { (cd "$PGTMP" && "${as_pg[@]}" "$(pg_bindir)/$1" "${@:2}"); }
cleanup() {
  [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  if [[ -n "$PGTMP" ]]; then
    [[ -f "$PGTMP/data/postmaster.pid" ]] && pg pg_ctl -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
  elif [[ "$PROVIDER" == postgres ]]; then
    psql "$PROSPECTOR_BENCH_POSTGRES" -Xqc "DROP DATABASE IF EXISTS bench_reports WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

log "building (Release)"
dotnet build src/Prospector -c Release -v quiet -nologo >"$W/build.log" 2>&1 || { cat "$W/build.log" >&2; exit 1; }
EXE=(dotnet "$ROOT/src/Prospector/bin/Release/net10.0/prospector.dll")

SEED="${KEEP:-$W/seed}"
if [[ -n "$KEEP" && -f "$KEEP/prospector.db" ]]; then
  log "reusing the dataset in $KEEP"
  "${EXE[@]}" migrate --data-dir "$SEED" >/dev/null   # new indexes of this commit
  python3 bench/seed_steps.py "$SEED/prospector.db" >&2   # a dataset kept from before the deals had a step history
else
  log "dataset: $N contacts, $((N / 5)) companies, $ACTIVITIES activities, ~$((OPPS + OPPS / 5)) opportunities, ~$EVENTS lifecycle events"
  "${EXE[@]}" migrate --data-dir "$SEED" >/dev/null
  echo "bench-admin-password" | "${EXE[@]}" user add admin@bench.example --role admin --data-dir "$SEED" >/dev/null
  echo "bench-rep-password!" | "${EXE[@]}" user add rep@bench.example --role rep --team Nord --data-dir "$SEED" >/dev/null
  t0=$(date +%s)
  python3 bench/dataset.py sqlite "$SEED/prospector.db" "$N" "$ACTIVITIES" "$OPPS" >&2
  python3 bench/seed_lifecycle.py "$SEED/prospector.db" "$EVENTS" >&2
  python3 bench/seed_steps.py "$SEED/prospector.db" >&2
  log "seeded SQLite in $(($(date +%s) - t0)) s"
fi
# The server's daily retention run starts 10 minutes after start-up and would erase the seeded contacts disqualified more
# than a year ago (RetentionDays 365) while the reports are measured, holding the write lock for long stretches (a report
# request then waits for its token's last-used stamp and may answer 503). Keep them for the longest allowed time instead.
sqlite3 "$SEED/prospector.db" "UPDATE WorkspaceSettings SET RetentionDays = 3650"
ADMIN="$("${EXE[@]}" token create admin@bench.example --data-dir "$SEED")"
REP="$("${EXE[@]}" token create rep@bench.example --data-dir "$SEED")"
DB="$SEED/prospector.db"

PORT="$(freeport)"; BASE="http://127.0.0.1:$PORT"
env=(env Reminders__PollSeconds=3600)
if [[ "$PROVIDER" == postgres ]]; then
  if [[ -z "${PROSPECTOR_BENCH_POSTGRES:-}" ]]; then
    PGTMP="$(mktemp -d /tmp/prospector-bench-pg.XXXXXX)"
    ((EUID == 0)) && chown postgres:postgres "$PGTMP"
    PGPORT="$(freeport)"
    pg initdb -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --no-sync >"$PGTMP/initdb.log" 2>&1
    printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nshared_buffers = 256MB\n" "$PGPORT" "$PGTMP" >>"$PGTMP/data/postgresql.conf"
    pg pg_ctl -D "$PGTMP/data" -l "$PGTMP/server.log" -W start >/dev/null
    for _ in $(seq 1 60); do "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 0.5; done
    PROSPECTOR_BENCH_POSTGRES="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
  fi
  URI="${PROSPECTOR_BENCH_POSTGRES%/*}/bench_reports"
  CS="$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(f'Host={p.hostname};Port={p.port or 5432};Username={p.username};Password={p.password or \"\"};Database={p.path[1:]}')" "$URI")"
  psql "$PROSPECTOR_BENCH_POSTGRES" -Xqc "DROP DATABASE IF EXISTS bench_reports WITH (FORCE)" -c "CREATE DATABASE bench_reports" >/dev/null
  env+=(Database__Provider=Postgres "ConnectionStrings__Prospector=$CS")
  "${env[@]}" "${EXE[@]}" migrate >/dev/null
  t0=$(date +%s)
  PGTZ=UTC python3 bench/dataset.py postgres "$DB" "$URI" >&2
  log "copied into PostgreSQL in $(($(date +%s) - t0)) s"
  "${env[@]}" "${EXE[@]}" serve --urls "$BASE" >"$W/server.log" 2>&1 &
  TARGET=(postgres "$URI")
else
  "${env[@]}" "${EXE[@]}" serve --urls "$BASE" --data-dir "$SEED" >"$W/server.log" 2>&1 &
  TARGET=(sqlite "$DB")
fi
SERVER=$!
for _ in $(seq 1 240); do curl -sf "$BASE/health/ready" >/dev/null && break; kill -0 "$SERVER" 2>/dev/null || { cat "$W/server.log" >&2; exit 1; }; sleep 0.5; done

count() { sqlite3 "$DB" "SELECT count(*) FROM $1"; }
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
log "measuring (load average $LOAD_BEFORE)"
TABLE="$(python3 bench/measure_reports.py "$BASE" "$PERIOD" "${TARGET[@]}" "admin=$ADMIN" "rep=$REP")"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "# Reports benchmark ($([[ $N == 100000 ]] && echo quick || echo "$N contacts"), $PROVIDER)"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| command | \`bench/reports.sh$([[ $N == 100000 ]] && echo ' --quick')$([[ $N != 100000 && $N != 1000000 ]] && echo " --contacts $N") --provider $PROVIDER\` |"
  echo "| date | $(date -u '+%F %H:%M UTC') |"
  echo "| commit | $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo ' (with uncommitted changes)') |"
  echo "| machine | $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM |"
  echo "| load average (1/5/15 min) | $LOAD_BEFORE before, $LOAD_AFTER after the measurement (shared machine) |"
  echo "| provider | $PROVIDER$([[ "$PROVIDER" == postgres ]] && echo ", $(psql "$URI" -XAtc 'SHOW server_version')") |"
  echo "| dataset | $(count Contacts) contacts, $(count LifecycleEvents) lifecycle events, $(count Opportunities) opportunities with $(count OpportunityStepChanges) step changes ($(sqlite3 "$DB" "SELECT group_concat(State || ' ' || n, ', ') FROM (SELECT State, count(*) n FROM Opportunities GROUP BY State)")), $(count Activities) activities, $(count ListRows) list rows in $(count ProspectingLists) lists |"
  echo "| period | $YEAR-01-01 to $YEAR-12-31, all teams; admin sees everything, the rep (team Nord) the records visibility gives them |"
  echo
  echo "$TABLE"
} >"$OUT"
cat "$OUT"
log "done; results in $OUT"
