"""The table bench/compare.sh and bench/peers.sh print: one row per load and client, CPU per token as ratios to two
reference clients (compare.sh: the two C floors; peers.sh: lorabench and the libcurl floor).
Usage: table.py RESULTS_JSONL [--against A,B] [--unavailable JSONL]
  --against A,B      the clients the ratio columns divide by (default curl-multi,raw-epoll)
  --unavailable F    peers.sh's clients that could not run ({"client", "why"} per line): a row per load saying why;
                     also switches to the peers' columns: each tool's own TTFT beside the simulator's ground truth, and
                     no RSS per stream (a Python tool's growth from its first sample is mostly its imports)"""
import argparse, json

ap = argparse.ArgumentParser()
ap.add_argument("results")
ap.add_argument("--against", default="curl-multi,raw-epoll")
ap.add_argument("--unavailable")
args = ap.parse_args()
against = args.against.split(",")
peers = args.unavailable is not None
missing = [json.loads(l) for l in open(args.unavailable)] if peers else []

rows = [json.loads(l) for l in open(args.results)]
loads = list(dict.fromkeys(r["load"] for r in rows))
f = lambda v, spec="{:.2f}": "—" if v is None else spec.format(v)
pair = lambda a, b: f"{f(a, '{:.1f}')} / {f(b, '{:.1f}')}"

label = {"curl-multi": "libcurl-multi", "raw-epoll": "raw epoll"}
head = ["load", "client", "tokens (steady)", "CPU µs/token"] + [f"× {label.get(a, a)}" for a in against] + ["cores", "peak RSS MiB"]
head += (["TTFT p50 / p99 ms, its own", "TTFT p50 / p99 ms, simulator's truth", "requests ok / failed"] if peers
         else ["RSS KiB/stream", "schedule_lag p99 ms", "TTFT error p50 / p99 ms"])
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for load in loads:
    by = {r["m"]["client"]: r for r in rows if r["load"] == load}
    cpt = lambda n: by[n]["m"].get("cpu_us_per_token") if n in by else None
    refs = [cpt(a) for a in against]
    for name, r in by.items():
        m, x = r["m"], r["x"]
        pt = m.get("cpu_us_per_token")
        per_stream = (m["peak_rss_kib"] - m["start_rss_kib"]) / r["streams"]
        note = f" (rc {m['rc']})" if m["rc"] else ""
        if not peers and (x.get("failed") or x.get("dropped")): note += f" ({x.get('failed')} failed, {x.get('dropped')} dropped)"
        cells = [load, name + note, str(m.get("steady_tokens", m["tokens"])), f(pt, "{:.1f}")]
        cells += [f(pt / ref if pt and ref else None) for ref in refs]
        cells += [f(m.get("cores"), "{:.3f}"), f"{m['peak_rss_kib'] / 1024:.1f}"]
        if peers:
            cells += [pair(x.get("own_ttft_p50_ms"), x.get("own_ttft_p99_ms")), pair(x.get("sim_ttft_p50_ms"), x.get("sim_ttft_p99_ms")),
                      f"{f(x.get('ok'), '{}')} / {f(x.get('failed'), '{}')}"]
        else:
            cells += [f"{per_stream:.1f}", f(x.get("lag_p99_ms"), "{:.3f}"), f"{f(x.get('ttft_err_p50_ms'), '{:.3f}')} / {f(x.get('ttft_err_p99_ms'), '{:.3f}')}"]
        print("| " + " | ".join(cells) + " |")
    for u in missing:
        print("| " + " | ".join([load, f"{u['client']}: not run — {u['why']}"] + ["—"] * (len(head) - 2)) + " |")
