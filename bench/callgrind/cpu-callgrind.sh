#!/usr/bin/env bash
# Callgrind instructions per streamed token for one lorabench binary (by hand). Marginal cost per token: run it
# for 10 s and 30 s and divide the difference in Ir by the difference in tokens (README "Benchmarks").
# A `lorabench sim --profile bench` runs natively in another process; the client runs under callgrind on the
# compare.sh scenario shape (20 streams x 100 tokens, 12 input words, 25 adapters). Under callgrind the client is
# ~50x slower, so the simulator's step is DECODE ms (default 100) rather than compare.sh's 10, keeping the client
# below one core so reads still carry about one event each as they do natively.
# BIN must have no DWARF 5 debug info (valgrind 3.19 cannot read it): strip --strip-debug keeps the symbols.
#   cpu-callgrind.sh BIN OUTDIR [DECODE_MS] [SECONDS] [STREAMS]
set -euo pipefail
bin=$1; out=$2; decode=${3:-100}; secs=${4:-10}; streams=${5:-20}; port=${PORT:-3944}
mkdir -p "$out"; rm -rf "$out/run"
echo "{\"profile\":\"bench\",\"decode_base_ms\":$decode,\"step_jitter\":0}" > "$out/sim.json"
"$bin" sim --port "$port" --config "$out/sim.json" > "$out/sim.log" 2>&1 &
sim=$!; trap 'kill $sim 2>/dev/null || true' EXIT
sleep 1
cat > "$out/scenario.json" <<JSON
{"name": "cpu", "target": {"url": "http://127.0.0.1:$port"}, "concurrency": $streams, "duration": "${secs}s",
 "vu_start_spread": "0.020s", "input_words": {"min": 12, "max": 12}, "max_new_tokens": {"min": 100, "max": 100},
 "adapters": {"count": 25, "template": "bench/adapter-{i}"}, "health": {"interval": "100ms", "timeout": "10s", "warmup": false},
 "request_timeout": "120s", "graceful_stop": "60s"}
JSON
cc -O2 -shared -fPIC -o "$out/sigsuspend.so" "$(dirname "$0")/cpu-callgrind-sigsuspend.c"
# valgrind 3.19 writes into rt_sigsuspend's mask; dispatch_main passes a read-only one (crash): see the .c file.
LD_PRELOAD="$out/sigsuspend.so" valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$bin" run "$out/scenario.json" --out "$out/run" --quiet > "$out/run.log" 2>&1 || true
python3 - "$out" <<'PY'
import csv, json, re, sys, subprocess
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/run/requests.csv")))
tokens = sum(int(r["output_tokens"]) for r in rows)
events = sum(int(r["token_events"]) for r in rows)
ok = sum(1 for r in rows if not r["error_class"])
total = None
for line in open(f"{out}/callgrind.out"):
    if line.startswith("summary:") or line.startswith("totals:"):
        total = int(line.split()[1])
print(json.dumps({"requests": len(rows), "ok": ok, "tokens": tokens, "events": events, "Ir": total,
                  "Ir_per_token": round(total / tokens) if tokens else None}))
PY
