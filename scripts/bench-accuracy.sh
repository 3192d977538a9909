#!/usr/bin/env bash
# Accuracy benchmark (by hand, not in CI): lorabench's per-request TTFT, E2E and mean ITL against what the
# simulator really did (GET /sim/requests; both sides use CLOCK_MONOTONIC), release builds, separate processes.
# Requests that opened a new connection are left out: the server cannot see connect time (it is in connect_ms).
source "$(dirname "$0")/lib/bench-sim.sh"
port=${PORT:-3931}
start_sim "$port" '{"profile":"a100-7b"}'
"$bin" run bench/accuracy.json --set "target.url=http://127.0.0.1:$port" --out "$out/run" --quiet "$@" >/dev/null
curl -s "http://127.0.0.1:$port/sim/requests" > "$out/truth.json"
python3 scripts/lib/truth-error.py "$out/run/requests.csv" "$out/truth.json"
