#!/usr/bin/env bash
# Before/after of a few API requests on a dataset kept by `bench/run.sh --dataset DIR`: starts a server on a throw-away
# copy of DIR/seed (a newer build migrates the copy, never the kept dataset), then runs wrk on each PATH and on
# GET /health/live of the same server (the ceiling) at 1, 16 and 64 connections, 10 s each, as admin@bench.example.
# Prints requests/s, p50 and p99 and the share of the ceiling. Not part of ./test.sh.
#   bench/endpoints.sh [--dll PATH/prospector.dll] [--user EMAIL] DIR PATH...   e.g. bench/endpoints.sh /tmp/bench-1m /api/v1/pipelines/1/board
# --dll runs another build (e.g. the main branch's, for the "before"); default: this checkout, built in Release.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
DLL=""; USER_EMAIL="admin@bench.example"
while [[ "${1:-}" == --* ]]; do
  case "$1" in
    --dll) DLL="$(readlink -f "$2")" ;;
    --user) USER_EMAIL="$2" ;;
    *) echo "bench/endpoints.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[[ $# -ge 2 && -f "$1/seed/prospector.db" ]] || { echo "usage: bench/endpoints.sh [--dll FILE] [--user EMAIL] DIR PATH... (DIR/seed/prospector.db from run.sh --dataset)" >&2; exit 2; }
SRC="$(readlink -f "$1")"; shift
command -v wrk >/dev/null || { echo "bench: installing wrk" >&2; apt-get install -y -qq wrk >/dev/null; }
if [[ -z "$DLL" ]]; then dotnet build src/Prospector -c Release -v quiet -nologo >/dev/null; DLL=src/Prospector/bin/Release/net10.0/prospector.dll; fi
DIR="$(mktemp -d /tmp/prospector-endpoints.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
cp "$SRC/seed/prospector.db" "$DIR/"
TOKEN="$(dotnet "$DLL" token create "$USER_EMAIL" --data-dir "$DIR")"
Reminders__PollSeconds=3600 dotnet "$DLL" serve --data-dir "$DIR" --urls "http://127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
SERVER=$!
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready"; do sleep 0.2; done
BASE="http://127.0.0.1:$PORT"
wrkline() { BENCH_TOKEN="$TOKEN" wrk -t"$(( $1 < 2 ? 1 : 2 ))" -c"$1" -d"$3" --timeout 30s -s bench/wrk.lua "$BASE$2" | grep '^BENCH'; }
echo "build: $DLL; dataset: $SRC; as $USER_EMAIL; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| request | conns | req/s | p50 ms | p99 ms | share of /health/live |"
echo "|---|---:|---:|---:|---:|---:|"
for path in "$@"; do
  for i in 1 2 3; do curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE$path"; done
  wrkline 16 "$path" 3s >/dev/null
  for c in 1 16 64; do
    ceil="$(wrkline "$c" /health/live 10s)"; got="$(wrkline "$c" "$path" 10s)"
    python3 - "$path" "$c" "$ceil" "$got" <<'PY'
import sys, re
path, c, ceil, got = sys.argv[1:]
f = lambda s, k: float(re.search(k + r"=([\d.]+)", s).group(1))
bad = int(f(got, "non2xx")) + int(f(got, "errors"))
print(f"| `{path}` | {c} | {f(got, 'rps'):,.1f} | {f(got, 'p50'):,.1f} | {f(got, 'p99'):,.1f} | {100 * f(got, 'rps') / f(ceil, 'rps'):.2f} % of {f(ceil, 'rps'):,.0f} |"
      + (f" {bad} errors" if bad else ""))
PY
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
