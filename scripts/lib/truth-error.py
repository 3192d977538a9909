"""lorabench's per-request TTFT, E2E and mean ITL against what the simulator really did (GET /sim/requests; both
sides use CLOCK_MONOTONIC). Requests that opened a new connection are left out: the server cannot see connect time.
Usage: truth-error.py REQUESTS_CSV TRUTH_JSON [--json]  (--json: one line {"n":…, "ttft_p50_ms":…, "ttft_p99_ms":…})"""
import csv, json, os, sys

rows = list(csv.DictReader(open(sys.argv[1])))
truth = {r["id"]: r for r in json.load(open(sys.argv[2]))}
ttft, e2e, itl = [], [], []
for r in rows:
    if r["error_class"] or float(r["connect_ms"]) > 0:
        continue
    t = truth.get(r["request_id"])
    if t is None or t.get("first_token_micros") is None:
        continue
    ttft.append(abs(float(r["ttft_ms"]) - (t["first_token_micros"] - t["received_micros"]) / 1000))
    e2e.append(abs(float(r["e2e_ms"]) - (t["last_token_micros"] - t["received_micros"]) / 1000))
    tm = t.get("token_micros") or []
    if len(tm) >= 2 and r["tpot_ms"]:
        itl.append(abs(float(r["tpot_ms"]) - (tm[-1] - tm[0]) / (len(tm) - 1) / 1000))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from samples import nearest_rank as q  # noqa: E402

if "--json" in sys.argv:
    print(json.dumps({"n": len(ttft), "ttft_p50_ms": q(ttft, 50), "ttft_p99_ms": q(ttft, 99)}))
    sys.exit(0)
print(f"{len(ttft)} requests on reused connections (of {len(rows)})")
for name, xs in (("TTFT", ttft), ("E2E", e2e), ("mean ITL", itl)):
    if xs:
        print(f"|client - server| {name:8s} p50 {q(xs, 50):.3f} ms  p90 {q(xs, 90):.3f} ms  p99 {q(xs, 99):.3f} ms  max {max(xs):.3f} ms")
