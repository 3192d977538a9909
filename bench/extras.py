"""What one client said about its own run, and what the simulator saw of it, as one JSON object for results.jsonl:
- every client: the simulator's ground truth TTFT p50/p99 over the run's completed requests (sim_ttft_*; GET
  /sim/requests, first token written − request received), so each tool's own TTFT can be read against it;
- lorabench (RUN_DIR/summary.json): schedule_lag p99, its TTFT p50/p99, the TTFT error against the ground truth
  (scripts/lib/truth-error.py), succeeded / failed / dropped;
- vllm bench serve (RUN_DIR/vllm.json, its --save-result file): its TTFT p50/p99, completed / failed;
- inference-perf (RUN_DIR/summary_lifecycle_metrics.json): its TTFT median/p99, successes / failures.
A figure a client did not write stays out (the table prints "—"), never a zero.
Usage: extras.py RUN_DIR TRUTH_JSON"""
import json, subprocess, sys
from pathlib import Path

run, truth_path = Path(sys.argv[1]), sys.argv[2]
x = {}


sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts" / "lib"))
from samples import nearest_rank as q  # noqa: E402


truth = json.load(open(truth_path))
sim_ttft = [(t["first_token_micros"] - t["received_micros"]) / 1000 for t in truth
            if t.get("status") == 200 and t.get("first_token_micros") is not None]
if sim_ttft:
    x.update(sim_n=len(sim_ttft), sim_ttft_p50_ms=q(sim_ttft, 50), sim_ttft_p99_ms=q(sim_ttft, 99))

if (run / "summary.json").exists():
    s = json.load(open(run / "summary.json"))
    m = s["metrics"]
    e = json.loads(subprocess.run([sys.executable, "scripts/lib/truth-error.py", str(run / "requests.csv"), truth_path,
                                   "--json"], check=True, capture_output=True, text=True).stdout)
    x.update(lag_p99_ms=m["schedule_lag"]["p99"], ttft_err_p50_ms=e["ttft_p50_ms"], ttft_err_p99_ms=e["ttft_p99_ms"],
             ok=s["requests"]["succeeded"], failed=s["requests"]["failed"], dropped=s["requests"].get("dropped", 0))
    if m.get("ttft"):
        x.update(own_ttft_p50_ms=m["ttft"]["p50"], own_ttft_p99_ms=m["ttft"]["p99"])
elif (run / "vllm.json").exists():
    v = json.load(open(run / "vllm.json"))
    x.update(ok=v["completed"], failed=v["failed"], own_ttft_p50_ms=v.get("p50_ttft_ms"), own_ttft_p99_ms=v.get("p99_ttft_ms"))
elif (run / "summary_lifecycle_metrics.json").exists():
    s = json.load(open(run / "summary_lifecycle_metrics.json"))
    ok = s.get("successes") or {}
    t = ok.get("latency", {}).get("time_to_first_token") or {}
    x.update(ok=ok.get("count"), failed=(s.get("failures") or {}).get("count", 0))
    if t.get("median") is not None:
        x.update(own_ttft_p50_ms=t["median"] * 1000, own_ttft_p99_ms=t["p99"] * 1000)
print(json.dumps(x))
