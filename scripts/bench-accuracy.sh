#!/usr/bin/env bash
# Accuracy benchmark (by hand, not in CI): lorabench's per-request TTFT, E2E and mean ITL against what the
# simulator really did (GET /sim/requests; both sides use CLOCK_MONOTONIC), release builds, separate processes.
# Requests that opened a new connection are left out: the server cannot see connect time (it is in connect_ms).
source "$(dirname "$0")/lib/bench-sim.sh"
port=${PORT:-3931}
start_sim "$port" '{"profile":"a100-7b"}'
"$bin" run bench/accuracy.json --set "target.url=http://127.0.0.1:$port" --out "$out/run" --quiet "$@" >/dev/null
curl -s "http://127.0.0.1:$port/sim/requests" > "$out/truth.json"
python3 - "$out/run/requests.csv" "$out/truth.json" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
truth = {r["id"]: r for r in json.load(open(sys.argv[2]))}
ttft, e2e, itl = [], [], []
for r in rows:
    if r["error_class"] or float(r["connect_ms"]) > 0:
        continue
    t = truth[r["request_id"]]
    ttft.append(abs(float(r["ttft_ms"]) - (t["first_token_micros"] - t["received_micros"]) / 1000))
    e2e.append(abs(float(r["e2e_ms"]) - (t["last_token_micros"] - t["received_micros"]) / 1000))
    tm = t.get("token_micros") or []
    if len(tm) >= 2 and r["tpot_ms"]:
        itl.append(abs(float(r["tpot_ms"]) - (tm[-1] - tm[0]) / (len(tm) - 1) / 1000))
def q(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]
print(f"{len(ttft)} requests on reused connections (of {len(rows)})")
for name, xs in (("TTFT", ttft), ("E2E", e2e), ("mean ITL", itl)):
    print(f"|client - server| {name:8s} p50 {q(xs, 50):.3f} ms  p90 {q(xs, 90):.3f} ms  p99 {q(xs, 99):.3f} ms  max {max(xs):.3f} ms")
PY
