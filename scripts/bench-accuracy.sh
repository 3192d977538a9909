#!/usr/bin/env bash
# Accuracy benchmark (by hand, not in CI): lorabench's per-request TTFT, E2E and mean ITL against what the
# simulator really did (GET /sim/requests; both sides use CLOCK_MONOTONIC), release builds, separate processes.
# Requests that opened a new connection are left out: the server cannot see connect time (it is in connect_ms).
# With tcpdump (and root), the run is also captured on lo and every request timed on the wire
# (integration/wire.py): lorabench − wire is lorabench's own lateness, apart from the simulator's (whose ground
# truth starts when it has read the request, so its own lateness in reading shows as client error above).
#   SIM_CPUS=0 CLIENT_CPUS=1 scripts/bench-accuracy.sh   # the simulator and lorabench on a core each
source "$(dirname "$0")/lib/bench-sim.sh"
source scripts/lib/wire-capture.sh
port=${PORT:-3931}
start_sim "$port" '{"profile":"a100-7b"}'
wire=0
if [ "${CAPTURE:-1}" != "0" ] && py=$(wire_python) && wire_start "$port" "$out/run.pcap"; then wire=1; fi
${CLIENT_CPUS:+taskset -c "$CLIENT_CPUS"} "$bin" run bench/accuracy.json --set "target.url=http://127.0.0.1:$port" --out "$out/run" --quiet "$@" >/dev/null
wire_stop
curl -s "http://127.0.0.1:$port/sim/requests" > "$out/truth.json"
python3 scripts/lib/truth-error.py "$out/run/requests.csv" "$out/truth.json"
if [ "$wire" = 1 ]; then "$py" integration/wire.py --pcap "$out/run.pcap" --run "$out/run" --port "$port"; fi
python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["run"].get("client_cpu_wait"); print("client cpu wait:", w)' "$out/run/summary.json"
