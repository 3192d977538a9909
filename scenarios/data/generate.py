#!/usr/bin/env python3
"""Writes the small example dataset and trace the scenarios in scenarios/ use. Made for the repo, nothing
downloaded; the same seed writes the same bytes. Run from the repository root:

    python3 scenarios/data/generate.py

prompts.jsonl  60 rows {prompt, adapter, max_tokens, answer}: three adapters' kinds of question
               (arithmetic with its answer, SQL, support), lengths from a few words to ~60.
trace.jsonl    2 minutes of lorabench-format arrivals {t, adapter, input_tokens, output_tokens, session}:
               a base rate of 2/s with two bursts of 8/s, lognormal prompt and answer lengths, a zipf-like
               adapter mix whose hot adapter changes halfway, and multi-request sessions.
"""
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def dataset(rng):
    rows = []
    subjects = ["invoice", "refund", "password", "shipping", "account", "order", "subscription", "warranty"]
    tables = ["orders", "customers", "payments", "shipments", "products"]
    for i in range(60):
        kind = i % 3
        if kind == 0:
            a, b = rng.randint(2, 99), rng.randint(2, 99)
            rows.append({"prompt": f"What is {a} plus {b}? Answer with the number only.", "adapter": "math",
                         "max_tokens": 4, "answer": str(a + b)})
        elif kind == 1:
            t = rng.choice(tables)
            cols = rng.sample(["id", "created_at", "status", "total", "region", "owner"], 3)
            rows.append({"prompt": f"Write one SQL query that lists {', '.join(cols)} from {t} "
                                   f"for the last {rng.randint(2, 30)} days, newest first.",
                         "adapter": "sql", "max_tokens": 48})
        else:
            s = rng.choice(subjects)
            filler = " ".join(rng.choice(["please", "I", "need", "help", "with", "my", "it", "still", "does", "not",
                                          "work", "since", "yesterday", "and", "the", "page", "says", "error"])
                              for _ in range(rng.randint(5, 45)))
            rows.append({"prompt": f"Customer message about a {s}: {filler}. Reply politely in two sentences.",
                         "adapter": "support", "max_tokens": 64})
    return rows


def trace(rng):
    lines = []
    t = 0.0
    adapters = [f"team-{i}" for i in range(8)]
    sessions = {}
    while True:
        rate = 8.0 if (30 <= t < 40 or 80 <= t < 95) else 2.0
        t += rng.expovariate(rate)
        if t >= 120:
            break
        ranking = adapters if t < 60 else adapters[4:] + adapters[:4]
        weights = [1 / (r + 1) ** 1.2 for r in range(len(ranking))]
        adapter = rng.choices(ranking, weights)[0]
        sid = sessions.get(adapter)
        if sid is None or rng.random() < 0.3:
            sid = f"{adapter}-{rng.randint(0, 10**6)}"
            sessions[adapter] = sid
        lines.append({"t": round(t, 3), "adapter": adapter,
                      "input_tokens": max(4, min(2000, int(math.exp(rng.gauss(math.log(120), 0.8))))),
                      "output_tokens": max(2, min(400, int(math.exp(rng.gauss(math.log(40), 0.7))))),
                      "session": sid})
    return lines


def write_jsonl(name, rows):
    with open(os.path.join(HERE, name), "w") as f:
        for r in rows:
            f.write(json.dumps(r, sort_keys=True) + "\n")


if __name__ == "__main__":
    write_jsonl("prompts.jsonl", dataset(random.Random(13)))
    write_jsonl("trace.jsonl", trace(random.Random(17)))
