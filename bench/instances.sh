#!/usr/bin/env bash
# Two `prospector serve` instances on one PostgreSQL behind nginx (issue 15, point 6).
#   bench/instances.sh [--seconds S] [--reminders N] [--out FILE]
# PostgreSQL: PROSPECTOR_BENCH_POSTGRES=postgresql://user@host:port/postgres names a cluster (a database bench_instances_*
# is created and dropped), else a throw-away cluster is started from Debian's package (as bench/run.sh does).
# nginx (/usr/sbin/nginx) runs as the current user with its config, logs and temp files in a temp folder: one port proxies
# to instance A only, another round-robins (no stickiness) between A and B, a third is sticky (ip_hash, as a live page
# needs) and names the instance that answered in an X-Upstream header.
# Measures, in one run: wrk req/s of an authenticated GET /api/v1/me through nginx with 1 and with 2 instances (the
# ratio), against GET /health/live through the same nginx; that a cookie signed in on A works on B; how long a sign-out
# on A takes to count on B; that N e-mail reminders due at once are each sent exactly once (SMTP sink) with both
# instances polling every second; and that requests through nginx still succeed after instance A is killed (kill -9);
# and that a live page (Blazor circuit) whose instance is killed comes back by itself on the other one
# (bench/instances_live.js, through a sticky nginx port).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_WRK=5; REMINDERS=200; OUT=""
while (($#)); do
  case "$1" in
    --seconds) SECONDS_WRK=$2; shift 2 ;;
    --reminders) REMINDERS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
log() { printf '[%s] %s\n' "$(date -u +%T)" "$*" >&2; }
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
calc() { python3 -c "print(f'{$1:$2}')"; }
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
for c in wrk psql nginx; do command -v "$c" >/dev/null || [[ -x /usr/sbin/$c ]] || { echo "instances.sh: $c is missing (apt-get install wrk postgresql-client nginx)" >&2; exit 1; }; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
DLL=${PROSPECTOR_BENCH_DLL:-$ROOT/src/Prospector/bin/Release/net10.0/prospector.dll}
[[ -f "$DLL" ]] || (cd "$ROOT" && dotnet build src/Prospector -c Release -v quiet -nologo >/dev/null)

W=$(mktemp -d /tmp/prospector-instances.XXXXXX)
PGTMP=""; PIDS=(); DB="bench_instances_$$"; PGADMIN=""
if ((EUID == 0)); then as_pg=(runuser -u postgres --); else as_pg=(); fi
pg() { (cd "$PGTMP" && "${as_pg[@]}" "$(pg_bindir)/$1" "${@:2}"); }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f "$W/nginx/nginx.pid" ]] && kill "$(cat "$W/nginx/nginx.pid")" 2>/dev/null || true
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -n "$PGADMIN" ]] && psql "$PGADMIN" -Xqc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ -n "$PGTMP" ]]; then
    [[ -f "$PGTMP/data/postmaster.pid" ]] && pg pg_ctl -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
  fi
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ -z "${PROSPECTOR_BENCH_POSTGRES:-}" ]]; then
  PGTMP=$(mktemp -d /tmp/prospector-instances-pg.XXXXXX); ((EUID == 0)) && chown postgres:postgres "$PGTMP"
  PGPORT=$(freeport)
  pg initdb -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --no-sync >"$PGTMP/initdb.log" 2>&1
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nmax_connections = 200\nshared_buffers = 256MB\n" \
    "$PGPORT" "$PGTMP" >>"$PGTMP/data/postgresql.conf"
  pg pg_ctl -D "$PGTMP/data" -l "$PGTMP/server.log" -W start >/dev/null
  for _ in $(seq 1 60); do "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 0.5; done
  PROSPECTOR_BENCH_POSTGRES="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
fi
psql "$PROSPECTOR_BENCH_POSTGRES" -Xqc "CREATE DATABASE $DB" >/dev/null
PGADMIN=$PROSPECTOR_BENCH_POSTGRES
PGURI="${PGADMIN%/*}/$DB"
CS=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(f'Host={p.hostname};Port={p.port or 5432};Username={p.username};Password={p.password or \"\"};Database={p.path[1:]}')" "$PGURI")
export Database__Provider=Postgres ConnectionStrings__Prospector="$CS"
P() { dotnet "$DLL" "$@"; }

log "database $DB: migrate, admin user, API token"
P migrate >/dev/null
echo "bench-admin-password" | P user add admin@bench.example --role admin >/dev/null
TOKEN=$(P token create admin@bench.example --name bench)

SMTP_PORT=$(freeport)
python3 "$ROOT/bench/smtp_sink.py" "$SMTP_PORT" "$W/mail.txt" & PIDS+=($!)
touch "$W/mail.txt"

PA=$(freeport); PB=$(freeport); N1=$(freeport); N2=$(freeport); N3=$(freeport)
start() { # start NAME PORT: a serve instance polling reminders every second, mail to the sink
  env Reminders__PollSeconds=1 Sequences__PollSeconds=1 Smtp__Host=127.0.0.1 Smtp__Port="$SMTP_PORT" Smtp__Security=None \
    dotnet "$DLL" serve --urls "http://127.0.0.1:$2" >>"$W/server-$1.log" 2>&1 &
  local pid=$!; PIDS+=("$pid"); eval "PID_$1=$pid"
  until curl -sf "http://127.0.0.1:$2/health/ready" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$W/server-$1.log" >&2; exit 1; }
    sleep 0.05
  done
}
log "instances A (:$PA) and B (:$PB)"
start A "$PA"; start B "$PB"

mkdir -p "$W/nginx"
cat >"$W/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $W/nginx/body; proxy_temp_path $W/nginx/proxy; fastcgi_temp_path $W/nginx/fastcgi;
  uwsgi_temp_path $W/nginx/uwsgi; scgi_temp_path $W/nginx/scgi;
  upstream one { server 127.0.0.1:$PA; keepalive 64; }
  upstream two { server 127.0.0.1:$PA; server 127.0.0.1:$PB; keepalive 64; }   # round robin, no stickiness
  upstream sticky { ip_hash; server 127.0.0.1:$PA; server 127.0.0.1:$PB; }
  map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
  server { listen 127.0.0.1:$N1; location / { proxy_pass http://one; proxy_http_version 1.1;
    proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection \$connection_upgrade; proxy_set_header Host \$http_host; } }
  server { listen 127.0.0.1:$N2; location / { proxy_pass http://two; proxy_http_version 1.1;
    proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection \$connection_upgrade; proxy_set_header Host \$http_host;
    proxy_next_upstream error timeout http_502; proxy_connect_timeout 2s; } }
  server { listen 127.0.0.1:$N3; location / { proxy_pass http://sticky; proxy_http_version 1.1;
    proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection \$connection_upgrade; proxy_set_header Host \$http_host;
    proxy_read_timeout 1h; proxy_next_upstream error timeout http_502; proxy_connect_timeout 2s;
    add_header X-Upstream \$upstream_addr always; } }
}
CONF
"$NGINX" -p "$W/nginx" -c "$W/nginx/nginx.conf" -e "$W/nginx/error.log"
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$N2/health/live" >/dev/null && break; sleep 0.1; done

# --- throughput: 1 instance vs 2 through nginx --------------------------------------------------------------------------
WRK() { BENCH_TOKEN="${3:-}" wrk -t2 -c"$2" -d"${SECONDS_WRK}s" -s "$ROOT/bench/wrk.lua" "$1" 2>/dev/null | grep '^BENCH' | sed -E 's/.*rps=([0-9.]+).*p50=([0-9.]+).*p99=([0-9.]+).*non2xx=([0-9]+) errors=([0-9]+)/\1 \2 \3 \4 \5/'; }
log "wrk: GET /api/v1/me and /health/live through nginx, 1 and 2 instances, 16 and 64 connections, ${SECONDS_WRK} s each"
# warm both instances (JIT, caches) through nginx
WRK "http://127.0.0.1:$N2/api/v1/me" 16 "$TOKEN" >/dev/null
declare -A R
for c in 16 64; do
  R[live1_$c]=$(WRK "http://127.0.0.1:$N1/health/live" "$c")
  R[me1_$c]=$(WRK "http://127.0.0.1:$N1/api/v1/me" "$c" "$TOKEN")
  R[live2_$c]=$(WRK "http://127.0.0.1:$N2/health/live" "$c")
  R[me2_$c]=$(WRK "http://127.0.0.1:$N2/api/v1/me" "$c" "$TOKEN")
  for k in live1 me1 live2 me2; do log "  $k c=$c: rps p50 p99 non2xx errors = ${R[${k}_$c]}"; done
done
f() { echo "$1" | cut -d' ' -f"$2"; }

# --- a cookie from A on B; sign-out on A counted on B --------------------------------------------------------------------
log "cookie signed in on A, used on B; sign-out on A, the old cookie on B"
H="$ROOT/bench/instances_http.py"
COOKIE=$(python3 "$H" signin "http://127.0.0.1:$PA" admin@bench.example bench-admin-password)
ON_A=$(python3 "$H" status "http://127.0.0.1:$PA" /contacts "$COOKIE")
ON_B=$(python3 "$H" status "http://127.0.0.1:$PB" /contacts "$COOKIE")
ME_B=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:$PB/api/v1/me")
python3 "$H" status "http://127.0.0.1:$PB" /contacts "$COOKIE" >/dev/null   # B has the session in its cache now
python3 "$H" signout "http://127.0.0.1:$PA" "$COOKIE"
AFTER_A=$(python3 "$H" status "http://127.0.0.1:$PA" /contacts "$COOKIE")
REFUSED_B=$(python3 "$H" until "http://127.0.0.1:$PB" /contacts "$COOKIE" 302 10)
log "  cookie: A $ON_A, B $ON_B, /api/v1/me on B $ME_B; after sign-out on A: A $AFTER_A, B refused after $REFUSED_B s"
# the same for an API token revoked through A
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PB/api/v1/me"
TOKEN2=$(P token create admin@bench.example --name revoke-me)
T2ID=$(curl -sf -H "Authorization: Bearer $TOKEN2" "http://127.0.0.1:$PB/api/v1/tokens" | python3 -c "import json,sys; print(max(t['id'] for t in json.load(sys.stdin)))")
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN2" "http://127.0.0.1:$PB/api/v1/me"
curl -sf -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PA/api/v1/tokens/$T2ID"
TOKEN_B=$(python3 -c "
import http.client,time,sys
t0=time.perf_counter()
while True:
    c=http.client.HTTPConnection('127.0.0.1',$PB); c.request('GET','/api/v1/me',headers={'Authorization':'Bearer $TOKEN2'}); s=c.getresponse().status
    if s==401: print(f'{time.perf_counter()-t0:.3f}'); break
    if time.perf_counter()-t0>10: print('>10'); break
    time.sleep(0.02)")

# --- reminders due at once, both instances polling -----------------------------------------------------------------------
log "$REMINDERS e-mail reminders due now; both instances deliver"
psql "$PGURI" -Xq -v ON_ERROR_STOP=1 >/dev/null <<SQL
INSERT INTO "Reminders" ("UserId", "Kind", "Channel", "SourceId", "DueAtUtc", "Status", "Attempts", "Title", "CreatedAt")
SELECT u."Id", 'PersonalDate', 'Email', g, now(), 'Pending', 0, 'bench reminder ' || g, now()
FROM "Users" u, generate_series(1, $REMINDERS) g WHERE u."NormalizedEmail" = 'ADMIN@BENCH.EXAMPLE';
SQL
for _ in $(seq 1 600); do
  left=$(psql "$PGURI" -XAtc "SELECT count(*) FROM \"Reminders\" WHERE \"Title\" LIKE 'bench reminder %' AND \"Status\" IN ('Pending','Claimed')")
  [[ "$left" == 0 ]] && break; sleep 0.2
done
sleep 1
SENT=$(psql "$PGURI" -XAtc "SELECT count(*) FROM \"Reminders\" WHERE \"Title\" LIKE 'bench reminder %' AND \"Status\" = 'Sent'")
BY=$(psql "$PGURI" -XAtc "SELECT string_agg(n::text, ' / ' ORDER BY n DESC) FROM (SELECT count(*) n FROM \"Reminders\" WHERE \"Title\" LIKE 'bench reminder %' GROUP BY \"ClaimedBy\") x")
MAILS=$(grep -c 'bench reminder' "$W/mail.txt" || true)
DISTINCT=$(grep 'bench reminder' "$W/mail.txt" | sort -u | wc -l)
log "  reminders: sent $SENT, claimed per instance $BY, mails $MAILS ($DISTINCT distinct); token revoked on A refused on B after $TOKEN_B s"

# --- a live page whose instance is killed ---------------------------------------------------------------------------------
log "live pages (contacts, board) through the sticky nginx; kill -9 of the instance that holds their circuits"
LIVE=$(node "$ROOT/bench/instances_live.js" "http://127.0.0.1:$N3" admin@bench.example bench-admin-password \
  "127.0.0.1:$PA=$PID_A,127.0.0.1:$PB=$PID_B") || LIVE='{"error": "instances_live.js failed (see above)", "tabs": []}'
log "  $LIVE"
VICTIM=$(echo "$LIVE" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("victim", ""))')
# the killed instance starts again, so that the checks below have both
if [[ "$VICTIM" == "127.0.0.1:$PA" ]]; then wait "$PID_A" 2>/dev/null || true; start A "$PA"; fi
if [[ "$VICTIM" == "127.0.0.1:$PB" ]]; then wait "$PID_B" 2>/dev/null || true; start B "$PB"; fi
LIVE_OK=$(echo "$LIVE" | python3 -c '
import json, sys
r = json.load(sys.stdin); t = r.get("tabs", [])
print(1 if len(t) == 2 and all(x["recovered"] and x["url"] != "/account/login" and x.get("filterAfter") is not None
                                and x["servedBy"][-1] == r["survivor"] for x in t) else 0)')

# --- kill -9 of A; requests through nginx ---------------------------------------------------------------------------------
log "kill -9 of instance A; 200 requests through the round-robin nginx"
kill -9 "$PID_A"; wait "$PID_A" 2>/dev/null || true
OK=0; FAIL=0
for _ in $(seq 1 200); do
  s=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$N2/api/v1/me")
  if [[ "$s" == 200 ]]; then OK=$((OK + 1)); else FAIL=$((FAIL + 1)); fi
done
AFTER_KILL=$(WRK "http://127.0.0.1:$N2/api/v1/me" 16 "$TOKEN")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

report() {
  echo "# Two instances on one PostgreSQL behind nginx (bench/instances.sh)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo);" \
    "PostgreSQL $(psql "$PGADMIN" -XAtc 'SHOW server_version'), nginx $("$NGINX" -v 2>&1 | sed 's/.*\///'); load average before $LOAD_BEFORE, after $LOAD_AFTER."
  echo "wrk, nginx, PostgreSQL and both instances share the same $(nproc) cores; wrk ${SECONDS_WRK} s per row."
  echo
  echo "## Throughput through nginx (wrk)"
  echo
  echo "| request | conns | 1 instance req/s (p50 / p99 ms) | 2 instances req/s (p50 / p99 ms) | 2 ÷ 1 |"
  echo "|---|---|---|---|---|"
  for c in 16 64; do
    for k in live me; do
      a=${R[${k}1_$c]}; b=${R[${k}2_$c]}
      name=$([[ $k == live ]] && echo '`GET /health/live` (ceiling)' || echo '`GET /api/v1/me` (token)')
      echo "| $name | $c | $(f "$a" 1) ($(f "$a" 2) / $(f "$a" 3)) | $(f "$b" 1) ($(f "$b" 2) / $(f "$b" 3)) | $(calc "$(f "$b" 1) / $(f "$a" 1)" .2f)× |"
    done
  done
  echo
  echo "Non-2xx / socket errors: $(for k in "${!R[@]}"; do echo -n "$k $(f "${R[$k]}" 4)/$(f "${R[$k]}" 5); "; done)"
  echo
  echo "## Sign-in on one instance, used and ended on the other"
  echo
  echo "| check | result |"
  echo "|---|---|"
  echo "| cookie signed in on A: \`GET /contacts\` on A | $ON_A |"
  echo "| the same cookie: \`GET /contacts\` on B / \`GET /api/v1/me\` on B | $ON_B / $ME_B |"
  echo "| after sign-out on A: the old cookie on A | $AFTER_A |"
  echo "| after sign-out on A: the old cookie refused (302 to sign-in) on B after | $REFUSED_B s |"
  echo "| token revoked through A: refused (401) on B after | $TOKEN_B s |"
  echo
  echo "## Reminders: $REMINDERS e-mail reminders due at once, both instances polling every second"
  echo
  echo "| check | result |"
  echo "|---|---|"
  echo "| rows Sent | $SENT of $REMINDERS |"
  echo "| rows claimed per instance | $BY |"
  echo "| e-mails received by the SMTP sink (distinct subjects) | $MAILS ($DISTINCT) |"
  echo
  echo "## Instance A killed (kill -9)"
  echo
  echo "| check | result |"
  echo "|---|---|"
  echo "| 200 sequential \`GET /api/v1/me\` through the round-robin nginx | $OK × 200, $FAIL other |"
  echo "| wrk 16 conns after the kill: req/s (p50 / p99 ms), non-2xx, errors | $(f "$AFTER_KILL" 1) ($(f "$AFTER_KILL" 2) / $(f "$AFTER_KILL" 3)), $(f "$AFTER_KILL" 4), $(f "$AFTER_KILL" 5) |"
  echo
  echo "## A live page whose instance is killed (sticky nginx, ip_hash)"
  echo
  echo "Two tabs of one signed-in browser (headless chromium), /contacts and the board, each with a filter clicked; then"
  echo "kill -9 of the instance that served them (nginx's X-Upstream header). Recovered: the tab is a working page again"
  echo "(Blazor's reconnect to the other instance is refused, so the page reloads itself there), signed in, and a filter click"
  echo "shows its result."
  echo
  echo "| tab | recovered | seconds from the kill | path after | served by (each page load) | filter click before / after ms | errors |"
  echo "|---|---|---|---|---|---|---|"
  echo "$LIVE" | python3 "$ROOT/bench/instances_live_table.py"
}
if [[ -n "$OUT" ]]; then report | tee "$OUT"; else report; fi
FAILED=0
[[ "$ON_B" == 200 && "$ME_B" == 200 && "$SENT" == "$REMINDERS" && "$MAILS" == "$REMINDERS" && "$DISTINCT" == "$REMINDERS" && "$FAIL" == 0 && "$LIVE_OK" == 1 ]] || FAILED=1
exit $FAILED
