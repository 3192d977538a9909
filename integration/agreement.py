#!/usr/bin/env python3
"""Does lorabench agree with the server it loaded? Compares a lorabench run with vLLM's own Prometheus counters.

    agreement.py scrape URL OUT.prom
        saves GET URL/metrics (run it before and after `lorabench run`)
    agreement.py compare --before B.prom --after A.prom --run RUN_DIR [--warmup N] [--json OUT.json]
        prints, for requests, output tokens, input tokens, TTFT p50/p90 and E2E p50/p90, lorabench's figure
        (RUN_DIR/summary.json, RUN_DIR/requests.csv), the server's (the delta between the two scrapes) and
        the difference

The server's percentiles are interpolated linearly inside the delta of its histogram buckets, as Prometheus'
histogram_quantile does, so they are only as fine as vLLM's bucket bounds (printed with them). The server
counts the warm-up request lorabench sends before its window (one, `max_tokens: 1`); it is subtracted from
the server's request and token counts (--warmup 0 when the scenario says "warmup": false). The histograms
still hold it; with hundreds of requests it moves no percentile noticeably.

Standard library only, so it runs with any python3.
"""
import argparse
import csv
import json
import math
import re
import sys
import urllib.request
from collections import defaultdict
from pathlib import Path

# Metric names across vLLM versions: the first one present is used (counters are exposed with `_total`).
NAMES = {
    "success": ["vllm:request_success_total", "vllm:request_success"],
    "generation": ["vllm:generation_tokens_total", "vllm:generation_tokens"],
    "prompt": ["vllm:prompt_tokens_total", "vllm:prompt_tokens"],
    "ttft": ["vllm:time_to_first_token_seconds"],
    "e2e": ["vllm:e2e_request_latency_seconds"],
    "queue": ["vllm:request_queue_time_seconds"],
}

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """{name: [(labels dict, value)]} from Prometheus text exposition format."""
    out = defaultdict(list)
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line.strip())
        if not m:
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        try:
            v = float(value)
        except ValueError:
            continue
        out[name].append((dict(LABEL.findall(labels)), v))
    return out


def pick(metrics, key, suffix=""):
    for n in NAMES[key]:
        if n + suffix in metrics:
            return n
    return None


def counter(metrics, key, where=None):
    n = pick(metrics, key)
    if n is None:
        return None
    return sum(v for labels, v in metrics[n] if where is None or where(labels))


def buckets(metrics, key):
    """{upper bound: cumulative count} summed over every label set except `le`."""
    n = pick(metrics, key, "_bucket")
    if n is None:
        return None
    b = defaultdict(float)
    for labels, v in metrics[n + "_bucket"]:
        le = labels.get("le")
        b[math.inf if le in ("+Inf", "inf") else float(le)] += v
    return dict(b)


def quantile(q, cumulative):
    """Prometheus histogram_quantile over {upper bound: cumulative count}."""
    bounds = sorted(cumulative)
    total = cumulative[bounds[-1]] if bounds else 0
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for ub in bounds:
        c = cumulative[ub]
        if c >= rank:
            if math.isinf(ub):
                return lower  # in the open bucket: the highest finite bound, as Prometheus does
            inside = c - below
            return lower + (ub - lower) * ((rank - below) / inside if inside > 0 else 1.0)
        lower, below = ub, c
    return lower


def bucket_of(value_s, cumulative):
    """The (lower, upper] bucket bounds a value falls in, for printing resolution."""
    lower = 0.0
    for ub in sorted(cumulative):
        if value_s <= ub:
            return lower, ub
        lower = ub
    return lower, math.inf


def scrape(url, out):
    with urllib.request.urlopen(url.rstrip("/") + "/metrics", timeout=10) as r:
        text = r.read().decode()
    Path(out).write_text(text)
    print(f"agreement: saved {len(text.splitlines())} lines of {url}/metrics to {out}")


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.1f}{unit}" if abs(v) >= 100 else f"{v:.2f}{unit}"
    return f"{int(v)}{unit}"


def compare(args):
    before, after = parse(Path(args.before).read_text()), parse(Path(args.after).read_text())
    run = Path(args.run)
    summary = json.loads((run / "summary.json").read_text())
    rows = []   # (what, lorabench, server, note)

    def delta(key, where=None):
        a, b = counter(after, key, where), counter(before, key, where)
        return None if a is None or b is None else a - b

    def mean_delta(key):
        n = pick(after, key, "_sum")
        if n is None:
            return None
        def total(m, suffix):
            return sum(v for _, v in m.get(n + suffix, []))
        c = total(after, "_count") - total(before, "_count")
        return None if c <= 0 else (total(after, "_sum") - total(before, "_sum")) / c

    req = summary["requests"]
    lb_done = req["succeeded"]
    srv_done = delta("success")
    # lorabench records its warm-up in summary.json (run.warmup, with the server's usage for it); the --warmup*
    # flags are for older runs that did not.
    recorded = (summary.get("run") or {}).get("warmup")
    sent_warmup = ((summary.get("scenario") or {}).get("health") or {}).get("warmup", True)
    warm = args.warmup if args.warmup is not None else (1 if recorded or sent_warmup else 0)
    warm_out = warm * (recorded.get("output_tokens", 1) if recorded else 1)
    warm_in = warm * (recorded["input_tokens"] if recorded and recorded.get("input_tokens") is not None
                      else args.warmup_prompt_tokens)
    if args.warmup_prompt_tokens_given:
        warm_in = warm * args.warmup_prompt_tokens
    success_name = pick(after, "success")
    reasons = sorted({l.get("finished_reason", "") for l, _ in after.get(success_name or "", [])} - {""})
    by_reason = {r: delta("success", lambda l, r=r: l.get("finished_reason") == r) for r in reasons}
    note = "server − warm-up; by finished_reason: " + ", ".join(f"{r}={fmt(v)}" for r, v in by_reason.items())
    rows.append(("requests succeeded", lb_done, None if srv_done is None else srv_done - warm, note))
    if req.get("failed") or req.get("interrupted"):
        rows.append(("requests failed / interrupted", f'{req.get("failed", 0)} / {req.get("interrupted", 0)}', None,
                     "lorabench: " + json.dumps({k: v for k, v in req.get("errors", {}).items() if v})))

    # Input tokens: lorabench has them only where the server reported usage; input words are always known.
    # Output tokens: with "ignore_eos" every request that ended with finish_reason "length" produced exactly
    # max_new_tokens, so a request whose count is below that lost tokens in lorabench's counting.
    in_tokens, in_words, in_known = 0, 0, 0
    asked, short, short_tokens = 0, 0, 0
    samples = {"ttft": [], "e2e": []}   # lorabench's per-request values, seconds
    csv_path = run / "requests.csv"
    if csv_path.exists():
        with csv_path.open() as f:
            for r in csv.DictReader(f):
                if r.get("error_class"):
                    continue
                if r.get("finish_reason") == "length" and (r.get("max_new_tokens") or "").strip():
                    mx, got = int(r["max_new_tokens"]), int(float(r.get("output_tokens") or 0))
                    asked += mx
                    if got < mx:
                        short += 1; short_tokens += mx - got
                for k in samples:
                    v = (r.get(k + "_ms") or "").strip()
                    if v:
                        samples[k].append(float(v) / 1000)
                w = r.get("input_words") or ""
                t = r.get("input_tokens") or ""
                if w.strip():
                    in_words += int(float(w))
                if t.strip():
                    in_tokens += int(float(t)); in_known += 1
    gen = delta("generation")
    rows.append(("output tokens", summary.get("output_tokens"), None if gen is None else gen - warm_out,
                 f'server − {warm_out} warm-up token(s); lorabench source: {summary.get("output_tokens_source")}; '
                 f'Σ max_new_tokens of requests ending "length": {asked}; {short} of them counted short by {short_tokens} tokens'))

    prompt = delta("prompt")
    warm_prompt = warm_in
    rows.append(("input tokens", in_tokens if in_known else None, None if prompt is None else prompt - warm_prompt,
                 f"lorabench knows them for {in_known} requests (server usage); input words sent: {in_words}; "
                 f"server − {warm_prompt} warm-up prompt token(s)" + (" (from summary.json run.warmup)" if recorded else "")))

    for label, key, lb_metric in (("TTFT", "ttft", "ttft"), ("E2E", "e2e", "e2e")):
        ba, bb = buckets(after, key), buckets(before, key)
        lb = summary.get("metrics", {}).get(lb_metric) or {}
        if ba is None:
            rows.append((f"{label}", None, None, "histogram not exposed"))
            continue
        d = {ub: ba[ub] - bb.get(ub, 0.0) for ub in ba} if bb else ba
        for q in (0.5, 0.9):
            s = quantile(q, d)
            s_ms = None if s is None else s * 1000
            lbv = lb.get(f"p{int(q * 100)}")
            lo, hi = bucket_of(s, d) if s is not None else (None, None)
            res = "" if lo is None else f"server bucket ({lo * 1000:g}, {hi * 1000:g}] ms"
            if lbv is not None and s is not None:
                llo, lhi = bucket_of(lbv / 1000, d)
                res += f"; lorabench's value falls in ({llo * 1000:g}, {lhi * 1000:g}] ms"
            rows.append((f"{label} p{int(q * 100)} (ms)", lbv, s_ms, res))
            if samples[lb_metric]:
                # lorabench's own requests put in the server's buckets and interpolated the same way:
                # what is left of the difference is not the buckets' coarseness.
                lq = quantile(q, {ub: float(sum(1 for x in samples[lb_metric] if x <= ub)) for ub in d})
                rows.append((f"  same, both from vLLM's buckets", None if lq is None else lq * 1000, s_ms,
                             "lorabench's requests.csv values binned into the server's bucket bounds"))
        m = mean_delta(key)
        rows.append((f"{label} mean (ms)", lb.get("mean"), None if m is None else m * 1000,
                     "exact on both sides (server: _sum/_count delta, warm-up included)"))
        n_hist = max(d.values()) if d else 0
        rows.append((f"{label} samples", lb.get("count"), n_hist, "server histogram count includes the warm-up"))

    q = mean_delta("queue")
    if q is not None:
        rows.append(("server queue time mean (ms)", None, q * 1000, "vllm:request_queue_time_seconds sum/count; no lorabench counterpart"))

    w1 = max(len(r[0]) for r in rows)
    print(f"\n{'':{w1}}  {'lorabench':>10}  {'vLLM':>10}  {'lb − vLLM':>10}  {'lb/vLLM':>8}  note")
    result = []
    for what, lbv, sv, note in rows:
        diff = ratio = None
        if isinstance(lbv, (int, float)) and isinstance(sv, (int, float)):
            diff = lbv - sv
            ratio = lbv / sv if sv else None
        print(f"{what:{w1}}  {fmt(lbv):>10}  {fmt(sv):>10}  {fmt(diff):>10}  {('n/a' if ratio is None else f'{ratio:.3f}'):>8}  {note}")
        result.append({"what": what, "lorabench": lbv, "vllm": sv, "difference": diff, "ratio": ratio, "note": note})

    # lorabench's own comparison (it scraped /metrics itself, from after its warm-up to after its window).
    own = ((summary.get("server") or {}).get("agreement") or {})
    if own:
        print(f"\nlorabench's own agreement (summary.json server.agreement; comparable={own.get('comparable')}; {own.get('warmup')}):")
        for c in own.get("checks", []):
            b = ""
            if c.get("server_lower") is not None:
                b = f" [{c['server_lower']:g}, {'+Inf' if c.get('server_upper') is None else format(c['server_upper'], 'g')}]"
            mark = {True: "agrees", False: "DISAGREES", None: "not judged"}[c.get("agrees")]
            print(f"  {c['name']:<14} client {fmt(c.get('client')):>8}  server {fmt(c.get('server')):>8}{b}  {mark}"
                  + (f"  ({c['note']})" if c.get("note") else ""))
    adapters = summary.get("adapters") or []
    if adapters:
        print("\nper adapter (summary.json adapters): " + ", ".join(
            f"{a['adapter'] or '(base)'} {a['requests']} req/{a['output_tokens']} tok" for a in adapters))
    wu = (summary.get("run") or {}).get("warmup")
    if wu:
        print(f"warm-up (summary.json run.warmup): {wu}")

    lora = after.get("vllm:lora_requests_info")
    if lora:
        # One series per (running, waiting) combination the server has seen, valued with its last-seen time.
        def n(v):
            return len([x for x in v.split(",") if x])
        seen = sorted(lora, key=lambda x: x[1])
        print(f"\nvllm:lora_requests_info: {len(seen)} series; max_lora={seen[-1][0].get('max_lora')}; "
              f"most running at once: {max(n(l.get('running_lora_adapters', '')) for l, _ in seen)}, "
              f"most waiting: {max(n(l.get('waiting_lora_adapters', '')) for l, _ in seen)}; latest: {seen[-1][0]}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": result, "metric_names": {k: pick(after, k) for k in NAMES}}, indent=2) + "\n")


def adapters(d):
    """Which adapter ids the requests of a run (or of each sweep cell) used: the sweep must use the scenario's."""
    files = sorted(d.glob("cells/*/requests.csv")) or ([d / "requests.csv"] if (d / "requests.csv").exists() else [])
    if not files:
        print(f"agreement: no requests.csv under {d}")
    for f in files:
        counts = defaultdict(int)
        with f.open() as fh:
            for r in csv.DictReader(fh):
                counts[r.get("adapter") or "(base)"] += 1
        print(f"{f.parent.name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("scrape")
    s.add_argument("url")
    s.add_argument("out")
    c = sub.add_parser("compare")
    c.add_argument("--before", required=True)
    c.add_argument("--after", required=True)
    c.add_argument("--run", required=True, help="lorabench's results folder (summary.json, requests.csv)")
    c.add_argument("--warmup", type=int, default=None,
                   help="warm-up requests lorabench sent outside its window (default: 1 when summary.json records one)")
    c.add_argument("--warmup-prompt-tokens", type=int, default=None,
                   help="prompt tokens of one warm-up request (default: summary.json run.warmup.input_tokens, else 3: "
                        "\"Hello\" with make-model.py's tokenizer)")
    c.add_argument("--json", help="also write the table as JSON here")
    a = sub.add_parser("adapters", help="count requests.csv's adapter column in a run folder or every cell of a sweep")
    a.add_argument("dir")
    args = ap.parse_args()
    if args.cmd == "scrape":
        scrape(args.url, args.out)
    elif args.cmd == "adapters":
        adapters(Path(args.dir))
    else:
        args.warmup_prompt_tokens_given = args.warmup_prompt_tokens is not None
        if args.warmup_prompt_tokens is None:
            args.warmup_prompt_tokens = 3
        compare(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
