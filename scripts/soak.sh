#!/usr/bin/env bash
# Soak benchmark (by hand, not in CI): 500 VUs for 10 minutes (bench/soak.json) against `lorabench sim` in another
# process; samples the generator's RSS and open file descriptors every 10 s and prints the fitted slopes.
source "$(dirname "$0")/lib/bench-sim.sh"
port=${PORT:-3932}
start_sim "$port" '{"profile":"bench","decode_base_ms":30,"replicas":4}'
"$bin" run bench/soak.json --set "target.url=http://127.0.0.1:$port" --out "$out/run" --quiet "$@" > /dev/null &
gen=$!
samples="$out/samples.csv"
echo "seconds,rss_kib,fds" > "$samples"
start=$(date +%s)
while kill -0 "$gen" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$gen/status" 2>/dev/null || true)
  fds=$(ls "/proc/$gen/fd" 2>/dev/null | wc -l)
  [ -n "$rss" ] && echo "$(( $(date +%s) - start )),$rss,$fds" >> "$samples"
  sleep 10
done
wait "$gen" || true
python3 - "$samples" "$out/run/summary.json" <<'PY'
import csv, json, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))]
rows = [r for r in rows if int(r["seconds"]) >= 30]  # after the ramp and warm-up
xs = [int(r["seconds"]) / 60 for r in rows]
def slope(ys):
    n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
rss = [int(r["rss_kib"]) for r in rows]; fds = [int(r["fds"]) for r in rows]
print(f"{len(rows)} samples from 30 s on: RSS {min(rss)}..{max(rss)} KiB, slope {slope(rss):.1f} KiB/min; "
      f"open fds {min(fds)}..{max(fds)}, slope {slope(fds):.2f}/min")
s = json.load(open(sys.argv[2]))
print(f"run: {s['requests']['succeeded']} ok, {s['requests']['failed']} failed in {s['run']['window_seconds']} s, "
      f"{s['throughput']['output_token_throughput']} output tok/s, TTFT p99 {s['metrics']['ttft']['p99']} ms")
PY
