"""The table bench/compare.sh prints: one row per load and client, CPU ratios against the two C floors."""
import json, sys

rows = [json.loads(l) for l in open(sys.argv[1])]
loads = list(dict.fromkeys(r["load"] for r in rows))
f = lambda v, spec="{:.2f}": "—" if v is None else spec.format(v)
print("| load | client | tokens (steady) | CPU µs/token | × libcurl-multi | × raw epoll | cores | peak RSS MiB | RSS KiB/stream | schedule_lag p99 ms | TTFT error p50 / p99 ms |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for load in loads:
    by = {r["m"]["client"]: r for r in rows if r["load"] == load}
    cpt = lambda n: by[n]["m"].get("cpu_us_per_token") if n in by else None
    floor_c, floor_e = cpt("curl-multi"), cpt("raw-epoll")
    for name, r in by.items():
        m, x = r["m"], r["x"]
        pt = m.get("cpu_us_per_token")
        per_stream = (m["peak_rss_kib"] - m["start_rss_kib"]) / r["streams"]
        note = f" (rc {m['rc']})" if m["rc"] else ""
        if x.get("failed") or x.get("dropped"): note += f" ({x.get('failed')} failed, {x.get('dropped')} dropped)"
        print(f"| {load} | {name}{note} | {m.get('steady_tokens', m['tokens'])} | {f(pt, '{:.1f}')} | "
              f"{f(pt / floor_c if pt and floor_c else None)} | {f(pt / floor_e if pt and floor_e else None)} | {f(m.get('cores'), '{:.3f}')} | "
              f"{m['peak_rss_kib'] / 1024:.1f} | {per_stream:.1f} | {f(x.get('lag_p99_ms'), '{:.3f}')} | "
              f"{f(x.get('ttft_err_p50_ms'), '{:.3f}')} / {f(x.get('ttft_err_p99_ms'), '{:.3f}')} |")
