#!/usr/bin/env python3
"""What did the wire say? Times each request of a lorabench run from a packet capture of the same run, so a
difference between lorabench and a server's own histogram can be split into lorabench's share and the server's.

    wire.py --pcap RUN.pcap --run RUN_DIR [--port 8000] [--json OUT.json]

The capture (`tcpdump -i lo -s 0 -w RUN.pcap tcp port 8000`, started before and stopped after the run) is read
with dpkt. Each request is found by the `x-request-id` lorabench sends (requests.csv `client_request_id`); on
the wire its clock starts at the packet carrying the start of the POST, its first token is the packet that
completes the first SSE event carrying a generated token (LoRAX: a `token` object; completions: a `text` field,
empty text included; chat: a `delta.content` or `delta.reasoning_content` field, so chat's role-only chunk is not
one), and its end is the last packet of its response (the body's terminating chunk). The kernel stamps packets when loopback delivers them, so the wire's
TTFT is what any client on this machine could at best have seen.

Printed: lorabench − wire per request (TTFT and E2E, p50/p90/p99/max of the difference) and the wire's own
TTFT p50/p90/mean beside lorabench's, for the agreement table (agreement.py) to be read against.
Needs dpkt (`pip install dpkt` into the venv that runs it; integration/run.sh uses the vLLM venv).
"""
import argparse
import csv
import json
import re
import sys
from pathlib import Path

import dpkt

REQUEST_ID = re.compile(rb"\r\nx-request-id:\s*([^\r\n]+)", re.IGNORECASE)
EVENT = re.compile(rb"data: ?(\{.*?\}|\[DONE\])\r?\n")


sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts" / "lib"))
from samples import linear as percentile  # noqa: E402


def carries_token(event):
    """Whether one SSE JSON event carries a generated token, by the rules docs/metrics.md gives for ttft."""
    if not isinstance(event, dict):
        return False
    if isinstance(event.get("token"), dict):  # LoRAX / TGI: every event carries one token
        return True
    for choice in event.get("choices") or []:
        if "text" in choice and choice["text"] is not None:
            return True
        delta = choice.get("delta") or {}
        if delta.get("content") is not None or delta.get("reasoning_content") is not None:
            return True
    return False


def packets(path):
    """(timestamp, src port, dst port, tcp payload) for every TCP segment with a payload, over IPv4 or IPv6."""
    with open(path, "rb") as f:
        reader = dpkt.pcap.Reader(f)
        link = reader.datalink()
        for ts, buf in reader:
            if link == dpkt.pcap.DLT_EN10MB:
                ip = dpkt.ethernet.Ethernet(buf).data
            elif link == dpkt.pcap.DLT_LINUX_SLL:
                ip = dpkt.sll.SLL(buf).data
            elif link == 276:  # LINUX_SLL2 (tcpdump -i any)
                ip = dpkt.sll2.SLL2(buf).data
            else:
                sys.exit(f"wire.py: {path}: link type {link} is not Ethernet or Linux cooked capture")
            tcp = getattr(ip, "data", None)
            if isinstance(tcp, dpkt.tcp.TCP) and tcp.data:
                yield ts, tcp.sport, tcp.dport, bytes(tcp.data)


def wire_times(path, port):
    """request id -> {post, first_token, done} in seconds (the capture's clock)."""
    current = {}   # client port -> the request in flight on that connection
    pending = {}   # client port -> request bytes not yet holding the x-request-id header
    response = {}  # client port -> response bytes not yet parsed into whole events
    times = {}
    for ts, sport, dport, data in packets(path):
        if dport == port:  # client -> server
            if data.startswith(b"POST "):
                pending[sport] = (ts, data)
                response[sport] = b""
                current.pop(sport, None)
            elif sport in pending:
                pending[sport] = (pending[sport][0], pending[sport][1] + data)
            if sport in pending:
                start, head = pending[sport]
                m = REQUEST_ID.search(head)
                if m:
                    rid = m.group(1).decode("ascii", "replace").strip()
                    current[sport] = times.setdefault(rid, {"post": start, "first_token": None, "done": None})
                    del pending[sport]
        elif sport == port and dport in current:  # server -> client, for a request we know
            req = current[dport]
            req["done"] = ts  # the last response byte so far (the body's end once the next request starts)
            buf = response.get(dport, b"") + data
            last = 0
            for m in EVENT.finditer(buf):
                last = m.end()
                body = m.group(1)
                if body == b"[DONE]":
                    continue
                try:
                    event = json.loads(body)
                except ValueError:
                    continue
                if req["first_token"] is None and carries_token(event):
                    req["first_token"] = ts
            response[dport] = buf[last:][-65536:]
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--run", required=True, help="lorabench results folder (requests.csv)")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--json")
    args = ap.parse_args()

    times = wire_times(args.pcap, args.port)
    rows = list(csv.DictReader(open(Path(args.run) / "requests.csv", newline="")))
    d_ttft, d_e2e, wire_ttft, lb_ttft = [], [], [], []
    unmatched = 0
    for row in rows:
        w = times.get(row.get("client_request_id") or "")
        if not w or w["first_token"] is None or not row.get("ttft_ms"):
            unmatched += 1
            continue
        wt = (w["first_token"] - w["post"]) * 1000
        wire_ttft.append(wt)
        lb_ttft.append(float(row["ttft_ms"]))
        d_ttft.append(float(row["ttft_ms"]) - wt)
        if w["done"] is not None and row.get("e2e_ms"):
            d_e2e.append(float(row["e2e_ms"]) - (w["done"] - w["post"]) * 1000)

    def line(name, values):
        if not values:
            return f"{name:<34} no samples"
        q = [percentile(values, p) for p in (50, 90, 99)]
        return (f"{name:<34} p50 {q[0]:8.3f}  p90 {q[1]:8.3f}  p99 {q[2]:8.3f}  min {min(values):8.3f}  "
                f"max {max(values):8.3f}  (n={len(values)})")

    print(f"wire: {len(times)} requests in the capture, {len(d_ttft)} matched to requests.csv, {unmatched} not "
          f"(no first token on the wire or in lorabench)")
    print(line("lorabench − wire, TTFT (ms)", d_ttft))
    print(line("|lorabench − wire|, TTFT (ms)", [abs(x) for x in d_ttft]))
    print(line("lorabench − wire, E2E (ms)", d_e2e))
    mean = lambda v: sum(v) / len(v) if v else None
    fmt = lambda x: "n/a" if x is None else f"{x:.2f}"
    print(f"TTFT on the wire (ms): p50 {fmt(percentile(wire_ttft, 50))}  p90 {fmt(percentile(wire_ttft, 90))}  "
          f"mean {fmt(mean(wire_ttft))};  lorabench: p50 {fmt(percentile(lb_ttft, 50))}  "
          f"p90 {fmt(percentile(lb_ttft, 90))}  mean {fmt(mean(lb_ttft))}")
    if args.json:
        out = {
            "matched": len(d_ttft), "unmatched": unmatched,
            "ttft_diff_ms": {f"p{p}": percentile(d_ttft, p) for p in (50, 90, 99)},
            "ttft_abs_diff_ms": {f"p{p}": percentile([abs(x) for x in d_ttft], p) for p in (50, 90, 99)},
            "e2e_diff_ms": {f"p{p}": percentile(d_e2e, p) for p in (50, 90, 99)},
            "wire_ttft_ms": {"p50": percentile(wire_ttft, 50), "p90": percentile(wire_ttft, 90), "mean": mean(wire_ttft)},
            "lorabench_ttft_ms": {"p50": percentile(lb_ttft, 50), "p90": percentile(lb_ttft, 90), "mean": mean(lb_ttft)},
        }
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
