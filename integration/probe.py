#!/usr/bin/env python3
"""A third opinion: N sequential streamed /v1/completions requests from a plain-stdlib client.

Prints the client-side TTFT (first `data:` chunk) and E2E percentiles, and how many chunks arrived within
0.5 ms of the previous one (bunched delivery). When this client and lorabench see the same TTFT and both
differ from the server's histogram, the difference is in the server's delivery, not in lorabench.

    probe.py [--url http://127.0.0.1:8000] [--n 40] [--seed 1]
"""
import argparse
import http.client
import json
import random
import time
from urllib.parse import urlparse

WORDS = ("the of and to in city water fire house river music film game team country history world school "
         "family power light story field market money science theory method study design").split()


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    u = urlparse(args.url)
    rng = random.Random(args.seed)
    ttft, e2e, events, bunched = [], [], 0, 0
    for _ in range(args.n):
        body = json.dumps({"model": rng.choice(["", "a1", "a2", "a3", "a4"]),
                           "prompt": " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 40))),
                           "max_tokens": rng.randint(30, 60), "stream": True, "ignore_eos": True})
        c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
        t0 = time.perf_counter()
        c.request("POST", "/v1/completions", body, {"content-type": "application/json"})
        r = c.getresponse()
        first = last = None
        while True:
            line = r.fp.readline()
            if not line or line.strip() == b"data: [DONE]":
                break
            if not line.startswith(b"data: "):
                continue
            now = time.perf_counter()
            events += 1
            if first is None:
                first = now - t0
            elif now - last < 0.0005:
                bunched += 1
            last = now
        e2e.append(time.perf_counter() - t0)
        ttft.append(first if first is not None else float("nan"))
        c.close()
    ms = lambda v: f"{v * 1000:.1f}"
    print(f"probe: {args.n} sequential requests; ttft p50 {ms(pct(ttft, .5))} p90 {ms(pct(ttft, .9))} "
          f"mean {ms(sum(ttft) / len(ttft))} ms; e2e p50 {ms(pct(e2e, .5))} mean {ms(sum(e2e) / len(e2e))} ms; "
          f"{bunched} of {events} chunks within 0.5 ms of the previous one")


if __name__ == "__main__":
    main()
