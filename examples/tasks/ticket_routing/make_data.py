#!/usr/bin/env python3
"""Writes data.jsonl for the ticket_routing example task: support messages made for lorabench, each routed to one
of four departments. Deterministic (fixed seed), so the file in the repo is exactly what this script prints."""
import json
import random

rng = random.Random(14)
openers = ["Hi,", "Hello team,", "Good morning.", "Hey there,", "Dear support,", "Quick question:", "Urgent:", ""]
closers = ["Thanks.", "Please help.", "Any update?", "Regards, Sam", "Cheers", "", "Thank you in advance."]
issues = {
    "billing": [
        "I was charged twice for my {thing} this month", "my invoice for {month} shows the wrong amount",
        "the refund for my {thing} never arrived", "my card was declined when paying for the {thing}",
        "I need a VAT receipt for the {thing} I bought in {month}", "why did my subscription price go up in {month}",
    ],
    "shipping": [
        "my {thing} has not arrived after two weeks", "the tracking number for my {thing} does not work",
        "the courier left my {thing} at the wrong address", "my {thing} arrived damaged in the box",
        "can I change the delivery address for my {thing}", "the parcel with my {thing} is stuck in customs since {month}",
    ],
    "technical": [
        "the app crashes when I open the {thing} page", "my {thing} will not connect to wifi",
        "the firmware update for my {thing} failed halfway", "I get error 500 when I upload a photo of my {thing}",
        "the {thing} keeps restarting every few minutes", "the sync between my phone and the {thing} stopped in {month}",
    ],
    "account": [
        "I cannot log in to my account since {month}", "please delete my account and the data about my {thing}",
        "I want to change the email address on my account", "my password reset link has expired",
        "someone else registered my {thing} to their account", "how do I add a second user to my account",
    ],
}
things = ["headphones", "smart lamp", "coffee machine", "thermostat", "e-reader", "camera", "router", "speaker", "watch", "blender"]
months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
rows = []
for i in range(400):
    label = ["billing", "shipping", "technical", "account"][i % 4]
    body = rng.choice(issues[label]).format(thing=rng.choice(things), month=rng.choice(months))
    text = " ".join(p for p in [rng.choice(openers), body[0].upper() + body[1:] + ".", rng.choice(closers)] if p)
    rows.append({"id": i, "message": text, "department": label, "split": "test" if i % 5 else "train"})
rng.shuffle(rows)
with open("data.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
