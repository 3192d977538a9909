#!/usr/bin/env bash
# Trace-replay timing benchmark (by hand, not in CI): replays scenarios/data/trace.jsonl (2 minutes, 394 arrivals,
# two bursts) against `lorabench sim` in a second process, release builds, and holds each arrival's receive time at
# the simulator (GET /sim/requests; both sides CLOCK_MONOTONIC) against its trace offset. The window's start is a
# client-side time, so the error is measured from the most punctual arrival (none can arrive before its offset).
# Knobs: SPEED (1: real time), PORT.
source "$(dirname "$0")/lib/bench-sim.sh"
port=${PORT:-3932}
speed=${SPEED:-1}
start_sim "$port" '{"profile":"fast","max_active_adapters":8,"record_token_times":false}'
cat > "$out/trace.json" <<JSON
{"name": "bench-trace", "target": {"url": "http://127.0.0.1:$port"},
 "workload": {"source": "trace", "file": "scenarios/data/trace.jsonl", "speed": $speed},
 "max_vus": 128, "server_metrics": false}
JSON
"$bin" run "$out/trace.json" --out "$out/run" --quiet "$@" >/dev/null
curl -s "http://127.0.0.1:$port/sim/requests" > "$out/truth.json"
python3 - "$out/run/requests.csv" "$out/truth.json" "$speed" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
truth = {r["id"]: r for r in json.load(open(sys.argv[2]))}
lines = [json.loads(l) for l in open("scenarios/data/trace.jsonl")]
speed = float(sys.argv[3])
shift, wrong_adapter, wrong_len = [], 0, 0
for r in rows:
    t = truth[r["request_id"]]
    line = lines[int(r["trace_line"]) - 1]
    offset_us = (line["t"] - lines[0]["t"]) / speed * 1e6
    shift.append(t["received_micros"] - offset_us)
    wrong_adapter += t["adapter"] != line["adapter"]
    wrong_len += t["max_new_tokens"] != line["output_tokens"]
base = min(shift)
err = sorted((s - base) / 1000 for s in shift)
def q(p): return err[min(len(err) - 1, int(p / 100 * len(err)))]
print(f"{len(rows)} of {len(lines)} arrivals at speed {speed:g}; adapters differing from the trace: {wrong_adapter}; max_new_tokens differing: {wrong_len}")
print(f"arrival at the server − trace offset: p50 {q(50):.3f} ms  p90 {q(90):.3f} ms  p99 {q(99):.3f} ms  max {err[-1]:.3f} ms")
err = sorted(float(r["schedule_lag_ms"]) for r in rows)
print(f"client schedule_lag (send − trace offset): p50 {q(50):.3f} ms  p90 {q(90):.3f} ms  p99 {q(99):.3f} ms  max {err[-1]:.3f} ms")
PY
