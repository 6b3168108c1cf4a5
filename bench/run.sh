#!/usr/bin/env bash
# Prospector's benchmark and load suite: one command, every figure next to a baseline measured in the same run.
#   bench/run.sh [--quick] [--provider sqlite|postgres] [--soak MINUTES] [--trials N] [--out FILE] [--dataset DIR]
#     --quick        100,000 contacts (else 1,000,000), 200,000 activities, 5,000 opportunities; 5 s per wrk run
#     --provider     database for the dataset, import, HTTP and soak measurements (default sqlite); postgres starts a
#                    throw-away cluster from Debian's package unless PROSPECTOR_BENCH_POSTGRES (admin URI) is set
#     --soak M       minutes of mixed workload (default 1 with --quick, else 5; 0 skips it)
#     --trials N     kill -9 trials per kind (import, updates) in the crash check (default 3; 0 skips it; always SQLite)
#     --out FILE     results file (default bench/results/latest.md)
#     --dataset DIR  reuse a generated dataset (DIR/seed/prospector.db and DIR/list.csv, of the same size) instead of
#                    generating one (~35 min at 1,000,000 on 2 cores); a run keeps its own there when DIR does not exist
# Not part of ./test.sh. Exits 1 when the soak or a crash trial fails.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
ROOT="$PWD"
QUICK=0; PROVIDER=sqlite; SOAK=""; TRIALS=3; OUT=bench/results/latest.md; DATASET=""; REUSED=0
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --provider) PROVIDER="$2"; shift ;;
    --soak) SOAK="$2"; shift ;;
    --trials) TRIALS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --dataset) DATASET="$(readlink -m "$2")"; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$PROVIDER" == sqlite || "$PROVIDER" == postgres ]] || { echo "run.sh: --provider sqlite|postgres" >&2; exit 2; }
if ((QUICK)); then N=100000; DUR=5; MODE=quick; else N=1000000; DUR=15; MODE=full; fi
SOAK="${SOAK:-$((QUICK ? 1 : 5))}"
ACTIVITIES=$((2 * N)); OPPS=$((N / 20))
START=$(date +%s); LOAD_AT_START="$(cut -d" " -f1-3 /proc/loadavg)"
log() { printf '[%4ds] %s\n' "$(($(date +%s) - START))" "$*" >&2; }

# --- what the suite needs, from Debian's packages ---------------------------------------------------------------------
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
missing=()
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v wrk >/dev/null || missing+=(wrk)
[[ -x /usr/bin/time ]] || missing+=(time)
if [[ "$PROVIDER" == postgres ]]; then
  command -v psql >/dev/null || missing+=(postgresql-client)
  [[ -n "${PROSPECTOR_BENCH_POSTGRES:-}" || -x "$(pg_bindir)/initdb" ]] || missing+=(postgresql)
fi
if ((${#missing[@]})); then
  if ((EUID == 0)); then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else echo "run.sh: missing ${missing[*]}; run as root" >&2; exit 1; fi
  log "installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

W="$(mktemp -d /tmp/prospector-bench-run.XXXXXX)"
PGTMP=""; SERVER=""; SAMPLER=""
if ((EUID == 0)); then as_pg=(runuser -u postgres --); else as_pg=(); fi
pg() { (cd "$PGTMP" && "${as_pg[@]}" "$(pg_bindir)/$1" "${@:2}"); }
cleanup() {
  [[ -n "$SAMPLER" ]] && kill "$SAMPLER" 2>/dev/null
  [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  if [[ -n "$PGTMP" ]]; then
    [[ -f "$PGTMP/data/postmaster.pid" ]] && pg pg_ctl -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
  fi
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
calc() { python3 -c "print(f'{$1:$2}')"; }

# --- PostgreSQL: a throw-away cluster on 127.0.0.1 (as ./test.sh does) or the one named by PROSPECTOR_BENCH_POSTGRES ---
if [[ "$PROVIDER" == postgres ]]; then
  if [[ -z "${PROSPECTOR_BENCH_POSTGRES:-}" ]]; then
    PGTMP="$(mktemp -d /tmp/prospector-bench-pg.XXXXXX)"
    ((EUID == 0)) && chown postgres:postgres "$PGTMP"
    PGPORT="$(freeport)"
    pg initdb -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --no-sync >"$PGTMP/initdb.log" 2>&1
    cat >>"$PGTMP/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGTMP'
max_connections = 200
shared_buffers = 256MB
CONF
    pg pg_ctl -D "$PGTMP/data" -l "$PGTMP/server.log" -W start >/dev/null
    for _ in $(seq 1 60); do "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 0.5; done
    PROSPECTOR_BENCH_POSTGRES="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
  fi
  PGADMIN="$PROSPECTOR_BENCH_POSTGRES"
  pguri() { echo "${PGADMIN%/*}/$1"; }
  pgcs() { python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(f'Host={p.hostname};Port={p.port or 5432};Username={p.username};Password={p.password or \"\"};Database={p.path[1:]}')" "$(pguri "$1")"; }
  newdb() { psql "$PGADMIN" -Xqc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null; }
fi
# Runs the prospector CLI against a database: db NAME → a SQLite data directory $W/NAME or a PostgreSQL database NAME.
P() {
  local name="$1"; shift
  if [[ "$PROVIDER" == postgres ]]; then
    Database__Provider=Postgres ConnectionStrings__Prospector="$(pgcs "bench_$name")" "${EXE[@]}" "$@"
  else
    "${EXE[@]}" "$@" --data-dir "$W/$name"
  fi
}

# --- build ------------------------------------------------------------------------------------------------------------
log "building (Release)"
dotnet build src/Prospector -c Release -v quiet -nologo >"$W/build.log" 2>&1 || { cat "$W/build.log" >&2; exit 1; }
EXE=(dotnet "$ROOT/src/Prospector/bin/Release/net10.0/prospector.dll")

# --- dataset ----------------------------------------------------------------------------------------------------------
log "dataset: $N contacts, $((N / 5)) companies, $ACTIVITIES activities, $OPPS open opportunities; import CSV of $N rows"
SEED="$W/seed"   # the SQLite database every measurement starts from (PostgreSQL is loaded from it)
if [[ -n "$DATASET" && -f "$DATASET/seed/prospector.db" ]]; then
  log "  reusing the dataset in $DATASET"
  ln -s "$DATASET/list.csv" "$W/list.csv"
  cp -r "$DATASET/seed" "$SEED"
  ADMIN="$("${EXE[@]}" token create admin@bench.example --data-dir "$SEED")"
  SEED_S=0; REUSED=1
else
  python3 bench/dataset.py csv "$N" "$W/list.csv"
  "${EXE[@]}" migrate --data-dir "$SEED" >/dev/null
  echo "bench-admin-password" | "${EXE[@]}" user add admin@bench.example --role admin --data-dir "$SEED" >/dev/null
  echo "bench-rep-password!" | "${EXE[@]}" user add rep@bench.example --role rep --team Nord --data-dir "$SEED" >/dev/null
  ADMIN="$("${EXE[@]}" token create admin@bench.example --data-dir "$SEED")"
  t0=$(now)
  python3 bench/dataset.py sqlite "$SEED/prospector.db" "$N" "$ACTIVITIES" "$OPPS" >&2
  SEED_S=$(calc "$(now) - $t0" .0f)
  if [[ -n "$DATASET" ]]; then
    mkdir -p "$DATASET" && cp "$W/list.csv" "$DATASET/" && cp -r "$SEED" "$DATASET/seed"
    log "  dataset kept in $DATASET for --dataset"
  fi
fi
if [[ "$PROVIDER" == postgres ]]; then
  newdb bench_main
  P main migrate >/dev/null
  t0=$(now)
  PGTZ=UTC python3 bench/dataset.py postgres "$SEED/prospector.db" "$(pguri bench_main)" >&2
  SEED_S="$SEED_S + $(calc "$(now) - $t0" .0f)"
else
  cp -r "$SEED" "$W/main"
fi
DBSIZE="$(du -m "$SEED/prospector.db" | cut -f1) MB (SQLite file)"

R="$W/results.md"   # sections, assembled into $OUT at the end
section() { printf '\n## %s\n\n' "$1" >>"$R"; }

# --- import: prospector import vs the raw loader of the same file ------------------------------------------------------
log "import: prospector import of $N rows vs the raw loader"
ROWS=$N; MB=$(calc "$(stat -c %s "$W/list.csv") / 1e6" .0f)
if [[ "$PROVIDER" == postgres ]]; then newdb bench_import; fi
P import migrate >/dev/null
t0=$(now)
# Peak memory from /usr/bin/time -v: `dotnet prospector.dll` runs the app in the process time waits for.
if [[ "$PROVIDER" == postgres ]]; then
  IMPORT_CMD=(env Database__Provider=Postgres "ConnectionStrings__Prospector=$(pgcs bench_import)" "${EXE[@]}" import "$W/list.csv")
else
  IMPORT_CMD=("${EXE[@]}" import "$W/list.csv" --data-dir "$W/import")
fi
/usr/bin/time -v -o "$W/time.txt" "${IMPORT_CMD[@]}" --list Bench --country DE >"$W/import.out" 2>&1 || { cat "$W/import.out" >&2; exit 1; }
IMPORT_S=$(calc "$(now) - $t0" .1f)
IMPORT_MB=$(awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' "$W/time.txt")
if [[ "$PROVIDER" == postgres ]]; then
  psql "$(pguri bench_import)" -Xqc "CREATE TABLE raw (a text, b text, c text, d text, e text, f text, g text, h text, i text)"
  t0=$(now)
  psql "$(pguri bench_import)" -Xqc "\\copy raw FROM '$W/list.csv' WITH (FORMAT csv, DELIMITER ';', HEADER true)"
  RAW_S=$(calc "$(now) - $t0" .1f); RAW='`psql \copy`'
else
  t0=$(now)
  sqlite3 "$W/raw.db" -cmd ".mode csv" -cmd ".separator ;" ".import $W/list.csv raw"
  RAW_S=$(calc "$(now) - $t0" .1f); RAW='`sqlite3 .import`'
fi
section "Import ($N rows, $MB MB CSV)"
{
  echo "\`prospector import\`: $(tail -n 1 "$W/import.out")"
  echo
  echo "| measurement | prospector import | baseline: $RAW | ratio |"
  echo "|---|---:|---:|---:|"
  echo "| time | $IMPORT_S s | $RAW_S s | $(calc "$IMPORT_S / $RAW_S" .1f)× |"
  echo "| throughput | $(calc "$ROWS / $IMPORT_S" ,.0f) rows/s | $(calc "$ROWS / $RAW_S" ,.0f) rows/s | $(calc "$RAW_S / $IMPORT_S" .3f) |"
  echo "| peak memory (VmRSS) | $IMPORT_MB MB | | |"
} >>"$R"

# --- start-up and idle memory: the seeded database against an empty one ----------------------------------------------
# serve: starts the server on database $1 in the background (SERVER, PORT, BASE) and sets READY_S.
serve() {
  PORT=$(freeport); BASE="http://127.0.0.1:$PORT"
  local env=(env Reminders__PollSeconds=3600)
  if [[ "$PROVIDER" == postgres ]]; then
    env+=(Database__Provider=Postgres "ConnectionStrings__Prospector=$(pgcs "bench_$1")")
    t0=$(now); "${env[@]}" "${EXE[@]}" serve --urls "$BASE" >>"$W/server-$1.log" 2>&1 &
  else
    t0=$(now); "${env[@]}" "${EXE[@]}" serve --urls "$BASE" --data-dir "$W/$1" >>"$W/server-$1.log" 2>&1 &
  fi
  SERVER=$!
  until curl -sf "$BASE/health/ready" >/dev/null; do
    kill -0 "$SERVER" 2>/dev/null || { cat "$W/server-$1.log" >&2; exit 1; }
    sleep 0.05
  done
  READY_S=$(calc "$(now) - $t0" .2f)
}
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status"; }
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

log "start-up and idle memory"
if [[ "$PROVIDER" == postgres ]]; then newdb bench_empty; fi
P empty migrate >/dev/null
# Each database is started once before the timed start: the first start of a database does one-time work (key ring,
# default pipeline) and the first start of the run also warms the runtime's files in the page cache.
serve empty; stop_server
serve empty; EMPTY_READY=$READY_S
curl -sf "$BASE/api/v1/me" -H "Authorization: Bearer none" >/dev/null || true
sleep 5; EMPTY_IDLE=$(rss)
stop_server
serve main; stop_server
serve main; MAIN_READY=$READY_S
for p in "/api/v1/contacts?pageSize=50" "/api/v1/search?q=m&limit=8" "/api/v1/me"; do curl -sf -H "Authorization: Bearer $ADMIN" "$BASE$p" >/dev/null; done
sleep 5; MAIN_IDLE=$(rss)

# --- HTTP throughput and latency with wrk ----------------------------------------------------------------------------
log "HTTP: wrk at 1, 16 and 64 connections, ${DUR} s each"
PIPELINE=$(sqlite3 "$SEED/prospector.db" "SELECT Id FROM Pipelines WHERE IsDefault = 1")
( while :; do awk '/VmRSS/ {print $2}' "/proc/$SERVER/status" 2>/dev/null; sleep 0.5; done ) >"$W/rss-load.txt" &
SAMPLER=$!
section "HTTP ($N contacts, $ACTIVITIES activities, $OPPS open opportunities; wrk ${DUR} s per row, on the same machine)"
{
  echo "Ceiling: \`GET /health/live\` (anonymous, no database) of the same server at the same connection count."
  echo "Ratios: throughput as a share of the ceiling's, p50 as a multiple of the ceiling's p50."
  echo
  echo "| request | conns | req/s | p50 ms | p99 ms | ceiling req/s | ceiling p50 ms | req/s ÷ ceiling | p50 × ceiling | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >>"$R"
wrkrun() {  # wrkrun CONNS PATH TOKEN → "rps p50 p99 non2xx errors"
  local t=$(($1 < 2 ? 1 : 2))
  BENCH_TOKEN="$3" wrk -t"$t" -c"$1" -d"${DUR}s" --timeout 30s -s bench/wrk.lua "$BASE$2" |
    awk '/^BENCH/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["rps"], v["p50"], v["p99"], v["non2xx"], v["errors"] }'
}
declare -A CEIL
for c in 1 16 64; do CEIL[$c]="$(wrkrun "$c" /health/live "")"; done
HTTP_FAIL=0
for spec in "authenticated trivial: GET /api/v1/me|/api/v1/me" \
            "contacts: stage=Lead, status=Working, page 3 of 50|/api/v1/contacts?stage=Lead&status=Working&pageSize=50&page=3" \
            "search: q=müller|/api/v1/search?q=m%C3%BCller&limit=10" \
            "search: q=angebot (note words)|/api/v1/search?q=angebot&limit=10" \
            "kanban board (7 columns × 25 cards)|/api/v1/pipelines/$PIPELINE/board"; do
  name="${spec%%|*}"; path="${spec#*|}"
  BENCH_TOKEN="$ADMIN" wrk -t2 -c16 -d2s -s bench/wrk.lua "$BASE$path" >/dev/null   # warm-up
  for c in 1 16 64; do
    read -r rps p50 p99 non2xx errs <<<"$(wrkrun "$c" "$path" "$ADMIN")"
    read -r crps cp50 _ _ _ <<<"${CEIL[$c]}"
    ((non2xx + errs > 0)) && HTTP_FAIL=1
    if [[ "$rps" == 0.0 || -z "$rps" ]]; then   # wrk counts completed requests only: none finished within the run
      echo "| $name | $c | no response within ${DUR} s | | | $(calc "$crps" ,.0f) | $(calc "$cp50" .2f) | | | $((non2xx + errs)) |" >>"$R"
      continue
    fi
    echo "| $name | $c | $(calc "$rps" ,.0f) | $(calc "$p50" .1f) | $(calc "$p99" .1f) | $(calc "$crps" ,.0f) | $(calc "$cp50" .2f) | $(calc "$rps / $crps" .3f) | $(calc "$p50 / $cp50" ,.0f)× | $((non2xx + errs)) |" >>"$R"
    log "  $name, $c conns: $(calc "$rps" .0f) req/s, p50 $p50 ms, p99 $p99 ms"
  done
done
kill "$SAMPLER"; SAMPLER=""
LOAD_MAX=$(sort -n "$W/rss-load.txt" | tail -n 1); LOAD_MAX=$((LOAD_MAX / 1024))
sleep 5; AFTER_IDLE=$(rss)

section "Start-up and memory"
{
  echo "Baseline: the same server on an empty, migrated database, started in this run. Each is started once before the timed start."
  echo
  echo "| measurement | seeded database | baseline: empty database | ratio |"
  echo "|---|---:|---:|---:|"
  echo "| start-up to \`/health/ready\` | $MAIN_READY s | $EMPTY_READY s | $(calc "$MAIN_READY / $EMPTY_READY" .2f)× |"
  echo "| memory at idle (VmRSS, 5 s after start) | $MAIN_IDLE MB | $EMPTY_IDLE MB | $(calc "$MAIN_IDLE / $EMPTY_IDLE" .2f)× |"
  echo "| memory under load (max VmRSS during the wrk runs) | $LOAD_MAX MB | $EMPTY_IDLE MB | $(calc "$LOAD_MAX / $EMPTY_IDLE" .2f)× |"
  echo "| memory at idle after the load | $AFTER_IDLE MB | $EMPTY_IDLE MB | $(calc "$AFTER_IDLE / $EMPTY_IDLE" .2f)× |"
} >>"$R"

# --- soak -----------------------------------------------------------------------------------------------------------
SOAK_RC=0
if [[ "$SOAK" != 0 ]]; then
  log "soak: $SOAK min of mixed workload"
  python3 bench/dataset.py csv $((N / 20)) "$W/soak.csv"
  section "Soak ($SOAK min: reads, PATCH with If-Match, activity logging, one import of $((N / 20)) rows)"
  { echo "| measurement | figure | allowed |"; echo "|---|---|---|"; } >>"$R"
  python3 bench/soak.py "$BASE" "$ADMIN" "$SOAK" "$SERVER" "$W/soak.csv" >>"$R" || SOAK_RC=1
fi
stop_server

# --- crash check (SQLite) --------------------------------------------------------------------------------------------
CRASH_RC=0
if ((TRIALS > 0)); then
  CN=$((N / 4))
  log "crash check: $TRIALS kill -9 trials during an import of $CN rows and $TRIALS during concurrent updates (SQLite)"
  python3 bench/dataset.py csv "$CN" "$W/crash.csv"
  cp -r "$SEED" "$W/crash"
  CRASH_TOKEN="$("${EXE[@]}" token create admin@bench.example --data-dir "$W/crash")"
  EST=$(calc "$IMPORT_S * $CN / $N" .1f)
  [[ "$PROVIDER" == postgres ]] && EST=$(calc "$CN / 3000" .1f)   # the PostgreSQL import is not SQLite's
  section "Crash check (SQLite, kill -9 of the server; import of $CN rows, expected to take ~$EST s)"
  (cd bench && python3 crash.py "$W/crash" "$CRASH_TOKEN" "$W/crash.csv" "$EST" "$TRIALS" "$(date +%s)" -- "${EXE[@]}") >>"$R" || CRASH_RC=1
fi

# --- results ---------------------------------------------------------------------------------------------------------
TOTAL=$(($(date +%s) - START))
mkdir -p "$(dirname "$OUT")"
{
  echo "# Benchmark results ($MODE, $PROVIDER)"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| command | \`bench/run.sh$( ((QUICK)) && echo " --quick") --provider $PROVIDER --soak $SOAK --trials $TRIALS$([[ -n "$DATASET" ]] && echo " --dataset $DATASET")\` |"
  echo "| date | $(date -u '+%F %H:%M UTC') |"
  echo "| commit | $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo ' (with uncommitted changes)') |"
  echo "| machine | $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM, $(. /etc/os-release; echo "$PRETTY_NAME") |"
  echo "| load average at start | $LOAD_AT_START |"
  echo "| provider | $PROVIDER$([[ "$PROVIDER" == postgres ]] && echo ", $(psql "$PGADMIN" -XAtc 'SHOW server_version')") |"
  echo "| dataset | $N contacts, $((N / 5)) companies, $ACTIVITIES activities, $OPPS open opportunities (+$((OPPS / 5)) closed); $DBSIZE; $( ((REUSED)) && echo "generated by an earlier run ($DATASET), " )seeded in $SEED_S s |"
  echo "| wall time | $((TOTAL / 60)) min $((TOTAL % 60)) s |"
  cat "$R"
  echo
  echo "Soak: $([[ "$SOAK" == 0 ]] && echo skipped || ( ((SOAK_RC)) && echo FAIL || echo PASS )). Crash check: $( ((TRIALS == 0)) && echo skipped || ( ((CRASH_RC)) && echo FAIL || echo PASS )). HTTP errors: $( ((HTTP_FAIL)) && echo yes || echo none)."
} >"$OUT"
cat "$OUT"
log "done in $((TOTAL / 60)) min $((TOTAL % 60)) s; results in $OUT"
((SOAK_RC == 0 && CRASH_RC == 0 && HTTP_FAIL == 0))
