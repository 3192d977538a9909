#!/usr/bin/env bash
# Shard scaling (by hand, not in CI): token events per second lorabench takes with --shards 1 and --shards 2,
# against bench/servers/sse_server.c (cc -O2 into a temporary folder), a server that costs a few µs per token,
# writing one token to every one of 2000 streams every STEP_MS (10 ms: 200k events/s planned, more than one
# loop takes, so lorabench is the bottleneck). bench/shards.json: closed loop, no think time, 300 tokens a request,
# ~20 s. lorabench (release build) runs under bench/measure.py, which samples its CPU from /proc and the server's
# tokens written from GET /metrics over the steady part. Printed per shard count: server-side token events/s and
# lorabench's CPU (measure.py), lorabench's own output tokens / window, ITL p50/p99 beside the planned step, the
# server's CPU and summary line, run.client_cpu_wait, and the load average.
# On a 2-core VM the server and 2 shards share 2 cores: the server is pinned to SERVER_CPUS (0) and lorabench
# runs on CLIENT_CPUS (0,1), so shard 2 shares a core with the server.
#   bench/shards.sh        # defaults: SHARDS="1 2" STEP_MS=10 VUS=2000 DURATION=20s SERVER_CPUS=0 CLIENT_CPUS=0,1
# NICE=-10 runs server and lorabench at that nice value, in an autogroup of their own with that nice (as root;
# bench/servers/autogroup.sh), ahead of other sessions' builds on a shared machine.
set -euo pipefail
source "$(dirname "$0")/servers/autogroup.sh"
source "$(dirname "$0")/../scripts/lib/bench-sim.sh"
port=${PORT:-3933}
step=${STEP_MS:-10}
vus=${VUS:-2000}
server_cpus=${SERVER_CPUS:-0}
client_cpus=${CLIENT_CPUS:-0,1}
cc -O2 -o "$out/sse_server" bench/servers/sse_server.c
srv=""
trap '[ -z "$srv" ] || kill "$srv" 2>/dev/null || true' EXIT
tick=$(getconf CLK_TCK)
cpu_s() { awk -v t="$tick" '{ sub(/.*\) /, ""); print ($12 + $13) / t }' "/proc/$1/stat"; }

for shards in ${SHARDS:-1 2}; do
  ${NICE:+nice -n "$NICE"} taskset -c "$server_cpus" "$out/sse_server" --port "$port" --step-ms "$step" --max-conns $((vus + 100)) 2> "$out/server-$shards.err" &
  srv=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  srv_cpu0=$(cpu_s "$srv"); t0=$(date +%s.%N)
  ${NICE:+nice -n "$NICE"} python3 bench/measure.py "$port" "lorabench --shards $shards" -- taskset -c "$client_cpus" "$bin" run bench/shards.json \
    --set "target.url=http://127.0.0.1:$port" --set "concurrency=$vus" --set "duration=${DURATION:-20s}" \
    --shards "$shards" --out "$out/run-$shards" --quiet ${LORABENCH_ARGS:-} > "$out/measure-$shards.json"
  srv_cpu=$(awk -v a="$srv_cpu0" -v b="$(cpu_s "$srv")" -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.3f s (%.2f core)", b - a, (b - a) / (t1 - t0) }')
  kill -TERM "$srv"; wait "$srv" || true; srv=""
  echo "== --shards $shards: $vus streams, a token to each every $step ms (planned $((vus * 1000 / ${step%.*})) events/s); server on CPU $server_cpus, lorabench on CPUs $client_cpus, nice ${NICE:-0}, $(cat /proc/self/autogroup); load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 - "$out/measure-$shards.json" "$out/run-$shards/summary.json" "$step" <<'PY'
import json, sys
m = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
s = json.load(open(sys.argv[2]))
step = float(sys.argv[3])
if "steady_s" in m:
    print(f"server-side token events/s (steady {m['steady_s']} s): {m['steady_tokens'] / m['steady_s']:.0f};"
          f" lorabench CPU {m['cpu_us_per_token']} µs/token, {m['cores']} core; peak RSS {m['peak_rss_kib']} KiB (rc {m['rc']})")
else:
    print("measure.py found no steady part:", m)
w = s["run"]
def find(d, *path):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d
window = find(s, "run", "window_seconds")
events = find(s, "aggregate", "token_events")
print(f"lorabench token events / window: {events} / {window} s = "
      + (f"{events / window:.0f}/s" if events and window else "n/a (not in summary.json)"))
itl = find(s, "metrics", "itl")
if itl and itl.get("count"):
    print(f"ITL p50 {itl.get('p50')} ms, p99 {itl.get('p99')} ms, mean {itl.get('mean')} ms (planned step {step:g} ms)")
else:
    print("ITL: not in summary.json")
print("client cpu wait:", w.get("client_cpu_wait"))
PY
  echo "server CPU: $srv_cpu"
  tail -1 "$out/server-$shards.err"
done
echo "results: $out"
