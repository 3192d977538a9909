#!/usr/bin/env bash
# Burst timing (by hand, not in CI): how long after a batching server writes a token does lorabench stamp it?
# bench/servers/sse_server.c (built here with cc -O2 into a temporary folder) writes one token to every stream
# in flight in one pass every STEP_MS and logs, on CLOCK_MONOTONIC, when it finished reading each request and
# when it wrote its first token. lorabench (release build) runs bench/burst.json, closed loop with no think time,
# at 150 and 300 VUs for ~20 s each; the server is pinned to SERVER_CPUS and lorabench to CLIENT_CPUS. Printed per
# load: |lorabench TTFT − server TTFT| on reused connections (bench/servers/ttft-join.py), the server's summary
# line (late steps = ticks a pass overran), lorabench's run.client_cpu_wait, and the load average. With tcpdump
# and root (CAPTURE=0 to skip), the run is also captured on lo (tcpdump pinned beside the server) and timed on the
# wire by integration/wire.py.
#   bench/burst-accuracy.sh     # defaults: VUS="150 300" DURATION=20s STEP_MS=20 SERVER_CPUS=0 CLIENT_CPUS=1
# NICE=-10 runs server and lorabench at that nice value, in an autogroup of their own with that nice (as root;
# bench/servers/autogroup.sh), ahead of other sessions' builds on a shared machine. LORABENCH_ARGS=--realtime puts
# lorabench's loop under SCHED_FIFO instead; SERVER_REALTIME=1 the server (chrt -f 10).
set -euo pipefail
source "$(dirname "$0")/servers/autogroup.sh"
source "$(dirname "$0")/../scripts/lib/bench-sim.sh"
source scripts/lib/wire-capture.sh
port=${PORT:-3932}
step=${STEP_MS:-20}
server_cpus=${SERVER_CPUS:-0}
client_cpus=${CLIENT_CPUS:-1}
cc -O2 -o "$out/sse_server" bench/servers/sse_server.c
srv=""
trap 'wire_stop; [ -z "$srv" ] || kill "$srv" 2>/dev/null || true' EXIT
py=""
if [ "${CAPTURE:-1}" != "0" ]; then py=$(wire_python) || py=""; fi

for vus in ${VUS:-150 300}; do
  log="$out/server-$vus.jsonl"
  ${NICE:+nice -n "$NICE"} taskset -c "$server_cpus" ${SERVER_REALTIME:+chrt -f 10} "$out/sse_server" --port "$port" --step-ms "$step" --log "$log" 2> "$out/server-$vus.err" &
  srv=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  wire=0
  if [ -n "$py" ] && wire_start "$port" "$out/run-$vus.pcap"; then wire=1; taskset -pc "$server_cpus" "$wire_pid" >/dev/null; fi
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  ${NICE:+nice -n "$NICE"} taskset -c "$client_cpus" "$bin" run bench/burst.json --set "target.url=http://127.0.0.1:$port" --set "concurrency=$vus" --set "duration=${DURATION:-20s}" \
    --out "$out/run-$vus" --quiet ${LORABENCH_ARGS:-} >/dev/null
  wire_stop
  kill -TERM "$srv"; wait "$srv" || true; srv=""
  echo "== $vus streams, closed loop, a token to every stream every $step ms (server on CPU $server_cpus, lorabench on CPU $client_cpus, nice ${NICE:-0}, $(cat /proc/self/autogroup)); load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 bench/servers/ttft-join.py "$out/run-$vus/requests.csv" "$log"
  tail -1 "$out/server-$vus.err"
  python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["run"].get("client_cpu_wait"); print("client cpu wait:", w)' "$out/run-$vus/summary.json"
  if [ "$wire" = 1 ]; then "$py" integration/wire.py --pcap "$out/run-$vus.pcap" --run "$out/run-$vus" --port "$port"; rm -f "$out/run-$vus.pcap"; fi
done
echo "results: $out"
