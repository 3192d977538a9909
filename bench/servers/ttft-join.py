#!/usr/bin/env python3
"""lorabench's TTFT against the purpose-built server's own (bench/servers/sse_server.c's log), per request.

    ttft-join.py RUN_DIR/requests.csv SERVER_LOG.jsonl

Both are durations on their own clocks, so no offset is needed: lorabench's `ttft_ms` is first token decoded −
t_sent; the server's is its first-token write − the moment it finished reading the request. Joined on
`client_request_id` = the server's `id`; only succeeded requests on reused connections (`connect_ms` 0) count,
since a new connection's set-up is outside what the server sees. Prints n, |lorabench − server| p50/p90/p99/max
and the signed p50 (ms). Exits 1 when nothing could be joined.

That difference holds two latencies: the server's own lateness in reading the request (t_sent to its read) and
lorabench's in stamping the first token (the server's write to lorabench's stamp). A second line splits off the
latter: requests.csv times are offsets from lorabench's window start W on the same CLOCK_MONOTONIC, so
W + sent_ms + ttft_ms is lorabench's first-token stamp; W is estimated as min(server read − sent_ms) over the
joined requests, i.e. the fastest request's transit is taken as zero, which makes these figures too large by that
transit (tens of µs), never too small."""
import csv
import json
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "scripts" / "lib"))
from samples import linear as percentile  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    csv_path, log_path = sys.argv[1], sys.argv[2]
    server = {}
    with open(log_path) as f:
        for n, line in enumerate(f, 1):
            try:
                r = json.loads(line)
                if r["first_us"] > 0:
                    server[r["id"]] = (r["read_us"] / 1000.0, r["first_us"] / 1000.0)
            except (ValueError, KeyError, TypeError) as e:
                sys.exit(f"{log_path}:{n}: not a server record ({e})")
    diffs, joined, skipped_new, unmatched, rows = [], [], 0, 0, 0
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["status"] != "200" or not row["ttft_ms"]:
                continue
            rows += 1
            if float(row["connect_ms"] or 0) > 0:
                skipped_new += 1
                continue
            s = server.get(row["client_request_id"])
            if s is None:
                unmatched += 1
                continue
            sent, ttft = float(row["sent_ms"]), float(row["ttft_ms"])
            diffs.append(ttft - (s[1] - s[0]))
            joined.append((sent, ttft, s[0], s[1]))
    print(f"joined {len(diffs)} of {rows} requests with a TTFT ({skipped_new} on new connections left out, "
          f"{unmatched} not in the server log)")
    if not diffs:
        sys.exit("nothing joined: no figures")
    a = [abs(d) for d in diffs]
    print("|lorabench TTFT - server TTFT| (ms): p50 %.3f  p90 %.3f  p99 %.3f  max %.3f   (signed p50 %+.3f)"
          % (percentile(a, 50), percentile(a, 90), percentile(a, 99), max(a), percentile(diffs, 50)))
    w = min(read - sent for sent, _, read, _ in joined)
    stamp = [w + sent + ttft - first for sent, ttft, _, first in joined]
    read = [read - (w + sent) for sent, _, read, _ in joined]
    print("  of which lorabench's first-token stamp - server's write (ms): p50 %.3f  p90 %.3f  p99 %.3f  max %.3f"
          % (percentile(stamp, 50), percentile(stamp, 90), percentile(stamp, 99), max(stamp)))
    print("  and the server's read - lorabench's t_sent (ms):            p50 %.3f  p90 %.3f  p99 %.3f  max %.3f"
          % (percentile(read, 50), percentile(read, 90), percentile(read, 99), max(read)))


main()
