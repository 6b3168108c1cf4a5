#!/usr/bin/env bash
# Per-request cost of authentication: an authenticated trivial request (GET /api/v1/me) with an API token and with the
# sign-in cookie, for an admin and a rep in a team, against GET /health/live of the same server at the same connections.
#   bench/auth.sh [SECONDS] [--no-build]     wrk seconds per row (default 5); SQLite, fresh data directory
#   PROSPECTOR_BENCH_POSTGRES=postgresql://user@host:port/postgres bench/auth.sh   the same on PostgreSQL (bench_auth db)
# Prints one table; ratios are to the ceiling measured in the same run. Not part of ./test.sh.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
ROOT="$PWD"
DUR=5; BUILD=1
for a in "$@"; do case "$a" in --no-build) BUILD=0 ;; *) DUR="$a" ;; esac; done
command -v wrk >/dev/null || { echo "auth.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
W="$(mktemp -d /tmp/prospector-bench-auth.XXXXXX)"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
calc() { python3 -c "print(f'{$1:$2}')"; }

if ((BUILD)); then dotnet build src/Prospector -c Release -v quiet -nologo >"$W/build.log" 2>&1 || { cat "$W/build.log" >&2; exit 1; }; fi
EXE=(dotnet "${PROSPECTOR_BENCH_DLL:-$ROOT/src/Prospector/bin/Release/net10.0/prospector.dll}")   # PROSPECTOR_BENCH_DLL: measure another build
ENV=(env Reminders__PollSeconds=3600)
if [[ -n "${PROSPECTOR_BENCH_POSTGRES:-}" ]]; then
  psql "$PROSPECTOR_BENCH_POSTGRES" -Xqc "DROP DATABASE IF EXISTS bench_auth WITH (FORCE)" -c "CREATE DATABASE bench_auth" >/dev/null
  CS=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(f'Host={p.hostname};Port={p.port or 5432};Username={p.username};Password={p.password or \"\"};Database=bench_auth')" "$PROSPECTOR_BENCH_POSTGRES")
  ENV+=(Database__Provider=Postgres "ConnectionStrings__Prospector=$CS"); DD=(); PROVIDER=postgres
else
  DD=(--data-dir "$W/data"); PROVIDER=sqlite
fi
P() { "${ENV[@]}" "${EXE[@]}" "$@" "${DD[@]}"; }
P migrate >/dev/null
echo "bench-admin-password" | P user add admin@bench.example --role admin >/dev/null
echo "bench-rep-password!" | P user add rep@bench.example --role rep --team Nord >/dev/null
ADMIN_TOKEN="$(P token create admin@bench.example)"
REP_TOKEN="$(P token create rep@bench.example)"
PORT=$(freeport); BASE="http://127.0.0.1:$PORT"
"${ENV[@]}" "${EXE[@]}" serve --urls "$BASE" "${DD[@]}" >"$W/server.log" 2>&1 &
SERVER=$!
until curl -sf "$BASE/health/ready" >/dev/null; do kill -0 "$SERVER" 2>/dev/null || { cat "$W/server.log" >&2; exit 1; }; sleep 0.1; done

# Signs in through the sign-in page as a browser does (antiforgery token) and prints the prospector.auth cookie.
signin() {
  python3 - "$BASE" "$1" "$2" <<'PY'
import sys, re, html, http.cookiejar, urllib.request, urllib.parse
base, email, password = sys.argv[1:4]
jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
page = op.open(base + "/account/login").read().decode()
fields = {}
for tag in re.findall(r"<input\b[^>]*>", page):
    n = re.search(r'\sname="([^"]*)"', tag); v = re.search(r'\svalue="([^"]*)"', tag); i = re.search(r'\sid="([^"]*)"', tag)
    if n: fields[html.unescape(n.group(1))] = html.unescape(v.group(1)) if v else ""
    if n and i and i.group(1) in ("email", "password"): fields[n.group(1)] = email if i.group(1) == "email" else password
try: op.open(base + "/account/login", urllib.parse.urlencode(fields).encode())
except urllib.error.HTTPError as e:
    if e.code != 302: raise
print("; ".join(f"{c.name}={c.value}" for c in jar if c.name == "prospector.auth"))
PY
}
ADMIN_COOKIE="$(signin admin@bench.example bench-admin-password)"
REP_COOKIE="$(signin rep@bench.example 'bench-rep-password!')"
[[ -n "$ADMIN_COOKIE" && -n "$REP_COOKIE" ]] || { echo "auth.sh: sign-in failed" >&2; exit 1; }

wrkrun() {  # wrkrun CONNS PATH TOKEN COOKIE → "rps p50 p99 non2xx errors"
  local t=$(($1 < 2 ? 1 : 2))
  BENCH_TOKEN="$3" BENCH_COOKIE="$4" wrk -t"$t" -c"$1" -d"${DUR}s" --timeout 30s -s bench/wrk.lua "$BASE$2" |
    awk '/^BENCH/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["rps"], v["p50"], v["p99"], v["non2xx"], v["errors"] }'
}
echo "# Authenticated trivial request vs /health/live ($PROVIDER, wrk ${DUR} s per row, same machine)"
echo
echo "date $(date -u '+%F %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo '+changes'), $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| request | conns | req/s | p50 ms | p99 ms | ceiling req/s | req/s ÷ ceiling | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
declare -A CEIL
BENCH_TOKEN="$ADMIN_TOKEN" wrk -t2 -c16 -d2s -s bench/wrk.lua "$BASE/api/v1/me" >/dev/null   # warm-up (JIT)
BENCH_COOKIE="$REP_COOKIE" wrk -t2 -c16 -d2s -s bench/wrk.lua "$BASE/api/v1/me" >/dev/null
for spec in "admin, API token|$ADMIN_TOKEN|" "rep in a team, API token|$REP_TOKEN|" "admin, cookie||$ADMIN_COOKIE" "rep in a team, cookie||$REP_COOKIE"; do
  IFS='|' read -r name token cookie <<<"$spec"
  for c in 1 16 64; do
    # The ceiling is re-measured next to each row, so a burst of load from elsewhere hits both alike.
    read -r crps _ _ _ _ <<<"$(wrkrun "$c" /health/live "" "")"
    read -r rps p50 p99 non2xx errs <<<"$(wrkrun "$c" /api/v1/me "$token" "$cookie")"
    echo "| GET /api/v1/me, $name | $c | $(calc "$rps" ,.0f) | $(calc "$p50" .2f) | $(calc "$p99" .1f) | $(calc "$crps" ,.0f) | $(calc "$rps / $crps" .3f) | $((non2xx + errs)) |"
  done
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
