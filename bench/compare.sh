#!/usr/bin/env bash
# Side-by-side client benchmark (by hand, not in CI). One `lorabench sim --profile bench` in another process
# serves, per load, closed-loop clients in turn: lorabench, a minimal libcurl-multi client and a raw epoll client
# (bench/clients/*.c, built here with cc; both only count bytes). bench/measure.py measures each the same way:
# CPU per streamed token over the steady part of the run (tokens counted by the simulator), peak RSS and RSS per
# stream; for lorabench also schedule_lag p99 and the TTFT error against the simulator's ground truth
# (scripts/lib/truth-error.py, as scripts/bench-accuracy.sh). Then one table with ratios.
#   bench/compare.sh                                   # 20, 1000 and 5000 streams
#   LOADS="20:100:10:15" bench/compare.sh              # streams:tokens:decode_ms:seconds, space-separated
#   BEFORE_BIN=/path/to/old/lorabench bench/compare.sh # also measure another build in the same run
#   DISPATCH=1 bench/compare.sh                        # also lorabench on its dispatch-queue loop
# Release builds; the machine's other work is noise, so compare ratios from one run, not figures across runs.
source "$(dirname "$0")/../scripts/lib/bench-sim.sh"
source bench/lib.sh
port=${PORT:-3933}
LOADS=${LOADS:-"20:100:10:15 1000:100:40:20 5000:100:200:40"}
BEFORE_BIN=${BEFORE_BIN:-}
DISPATCH=${DISPATCH:-}       # non-empty: also measure lorabench on the dispatch loop (LORABENCH_EVENT_LOOP=dispatch)
cc -O2 -o "$out/curl-client" bench/clients/curl_multi_client.c -lcurl
cc -O2 -o "$out/epoll-client" bench/clients/epoll_client.c
ulimit -n "$(ulimit -Hn)"

: > "$out/results.jsonl"
for spec in $LOADS; do
  IFS=: read -r streams tokens decode seconds <<< "$spec"
  load="$streams streams × $tokens tokens, ${decode} ms steps"
  if [ -n "${sim_pid:-}" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  start_sim "$port" "{\"profile\":\"bench\",\"decode_base_ms\":$decode,\"step_jitter\":0}"
  scenario "$streams" "$tokens" "$seconds"
  rm -rf "$out"/run-lorabench*
  measure lorabench "$bin" run "$out/scenario.json" --out "$out/run-lorabench" --quiet
  [ -n "$DISPATCH" ] && measure lorabench-dispatch env LORABENCH_EVENT_LOOP=dispatch "$bin" run "$out/scenario.json" --out "$out/run-lorabench-dispatch" --quiet
  [ -n "$BEFORE_BIN" ] && measure lorabench-before "$BEFORE_BIN" run "$out/scenario.json" --out "$out/run-lorabench-before" --quiet
  measure curl-multi "$out/curl-client" "127.0.0.1:$port" "$streams" "$seconds" "$tokens"
  measure raw-epoll "$out/epoll-client" "127.0.0.1:$port" "$streams" "$seconds" "$tokens"
done
python3 bench/table.py "$out/results.jsonl"
echo "raw results: $out/results.jsonl"
