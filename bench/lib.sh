# Sourced by bench/compare.sh and bench/peers.sh after scripts/lib/bench-sim.sh (which sets $bin, $out and
# start_sim). Uses $port, $load and $streams of the load being measured.

# measure NAME CMD...: one JSON line into $out/results.jsonl: the load, bench/measure.py's figures for CMD, and
# bench/extras.py's (what the client wrote into $out/run-NAME, and the simulator's ground truth of the run).
measure() {
  local name=$1; shift
  rm -rf "$out/run-$name"; mkdir -p "$out/run-$name"
  curl -s -X POST "http://127.0.0.1:$port/sim/reset" >/dev/null
  local m; m=$(python3 bench/measure.py "$port" "$name" -- "$@")
  curl -s "http://127.0.0.1:$port/sim/requests" > "$out/truth.json"
  local extra; extra=$(python3 bench/extras.py "$out/run-$name" "$out/truth.json")
  echo "{\"load\":\"$load\",\"streams\":$streams,\"m\":$m,\"x\":$extra}" >> "$out/results.jsonl"
}

scenario() {  # scenario STREAMS TOKENS SECONDS: VUs start over streams/1000 s (a pace the schedule states)
  cat > "$out/scenario.json" <<JSON
{"name": "compare", "target": {"url": "http://127.0.0.1:$port"}, "concurrency": $1, "duration": "$3s",
 "vu_start_spread": "$(awk "BEGIN{printf \"%.3f\", $1 / 1000}")s",
 "input_words": {"min": 12, "max": 12}, "max_new_tokens": {"min": $2, "max": $2},
 "adapters": {"count": 25, "template": "bench/adapter-{i}"}, "health": {"interval": "100ms", "timeout": "10s", "warmup": false},
 "request_timeout": "120s", "graceful_stop": "60s"}
JSON
}
