#!/usr/bin/env bash
# Generator benchmark (by hand, not in CI): lorabench with 2000 VUs against `lorabench sim --profile bench`
# in a separate process, both release builds on this machine. Prints the client's CPU use and what it measured.
source "$(dirname "$0")/lib/bench-sim.sh"
port=${PORT:-3930}
# DECODE_MS sets the simulator's step time: 80 ms gives ~25,000 token events/s from 2000 streams.
start_sim "$port" "{\"profile\":\"bench\",\"decode_base_ms\":${DECODE_MS:-80}}"
/usr/bin/time -f "generator: %U s user, %S s system, %e s wall, max RSS %M KiB" \
  "$bin" run bench/generator.json --set "target.url=http://127.0.0.1:$port" --out "$out/run" --quiet "$@"
python3 - "$out/run/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
w = s["run"]["window_seconds"]; m = s["metrics"]
print(f"window {w:.1f} s, {s['output_tokens']} output tokens = {s['output_tokens']/w:.0f} token events/s, "
      f"{s['requests']['succeeded']} ok, {s['requests']['failed']} failed")
print(f"schedule_lag p50 {m['schedule_lag']['p50']} ms p99 {m['schedule_lag']['p99']} ms p99.9 {m['schedule_lag']['p99_9']} ms; "
      f"ITL p50 {m['itl']['p50']} ms p99 {m['itl']['p99']} ms")
PY
