#!/usr/bin/env bash
# Start-up of `prospector serve` on a migrated SQLite database (issue 15, point 5): p50 over N starts of the time to
# /health/ready, the first page render and the first signed-in page render, next to `dotnet prospector.dll --version`
# measured in the same run (bench/startup.py says exactly what each figure is).
#   bench/startup.sh [N]          # N starts (default 7) of the Release build
#   PROSPECTOR_BENCH_DLL=path/prospector.dll bench/startup.sh   # another build, e.g. a publish
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-7}
DLL=${PROSPECTOR_BENCH_DLL:-$ROOT/src/Prospector/bin/Release/net10.0/prospector.dll}
PORT=${PROSPECTOR_BENCH_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
[[ -f "$DLL" ]] || (cd "$ROOT" && dotnet build src/Prospector -c Release 2>&1 | tail -3)
W=$(mktemp -d /tmp/prospector-startup.XXXXXX)
trap 'rm -rf "$W"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(git -C "$ROOT" rev-parse --short HEAD); $DLL"
dotnet "$DLL" migrate --data-dir "$W/data" >/dev/null
echo "bench-admin-password" | dotnet "$DLL" user add admin@bench.example --role admin --data-dir "$W/data" >/dev/null
python3 "$ROOT/bench/startup.py" "$DLL" "$W/data" "$N" "$PORT"
