#!/usr/bin/env bash
# A quick look at report times on a kept reports dataset (bench/reports.sh --keep DIR), without the whole measuring run:
# starts `prospector serve` from the given build on DIR, then for each report named, as the bench admin and as the bench
# rep, one warm-up request and N sequential requests for 2025-01-01..2025-12-31; prints "report role: status:seconds ...".
#   bench/report-requests.sh DLL DIR N REPORT...      e.g. bench/report-requests.sh src/Prospector/bin/Release/net10.0/prospector.dll /tmp/rep1m 5 activity
# DIR may instead be a PostgreSQL connection string (Host=…;Database=…) of a copy made by bench/dataset.py postgres.
set -euo pipefail
(($# >= 4)) || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
DLL=$1; DIR=$2; N=$3; shift 3
if [[ "$DIR" == Host=* ]]; then DB=(env Database__Provider=Postgres "ConnectionStrings__Prospector=$DIR"); AT=(); else DB=(env); AT=(--data-dir "$DIR"); fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
declare -A TOK
for role in admin rep; do TOK[$role]=$("${DB[@]}" dotnet "$DLL" token create "$role@bench.example" "${AT[@]}" 2>/dev/null | tail -n 1); done
LOG="$(mktemp /tmp/report-requests.XXXXXX.log)"
"${DB[@]}" Reminders__PollSeconds=3600 dotnet "$DLL" serve --urls "http://127.0.0.1:$PORT" "${AT[@]}" >"$LOG" 2>&1 &
S=$!; trap 'kill $S 2>/dev/null; rm -f "$LOG"' EXIT
for _ in $(seq 1 480); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; kill -0 $S 2>/dev/null || { cat "$LOG" >&2; exit 1; }; sleep 0.5; done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) before"
for report in "$@"; do for role in admin rep; do
  U="http://127.0.0.1:$PORT/api/v1/reports/$report?from=2025-01-01&to=2025-12-31"
  curl -s -o /dev/null -H "Authorization: Bearer ${TOK[$role]}" "$U"
  ts=""; for _ in $(seq 1 "$N"); do ts="$ts $(curl -s -o /dev/null -w '%{http_code}:%{time_total}' -H "Authorization: Bearer ${TOK[$role]}" "$U")"; done
  echo "$report $role:$ts"
done; done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) after"
