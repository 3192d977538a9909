#!/usr/bin/env python3
"""Writes data.csv for the review_sentiment example task: short product reviews made for lorabench, each positive
or negative. Deterministic (fixed seed), so the file in the repo is exactly what this script prints."""
import csv
import random

rng = random.Random(41)
products = ["kettle", "backpack", "desk chair", "phone case", "tent", "keyboard", "rice cooker", "jacket", "monitor", "toaster"]
good = ["works perfectly", "exceeded my expectations", "is sturdy and well made", "was worth every penny",
        "arrived early and looks great", "is the best I have owned", "does exactly what it says"]
bad = ["broke after a week", "is flimsy and cheap", "was a waste of money", "stopped working on day two",
       "looks nothing like the photos", "is the worst purchase this year", "smells of plastic and leaks"]
extras_good = ["Would buy again.", "Five stars.", "Highly recommended!", "My family loves it.", ""]
extras_bad = ["Returning it.", "One star.", "Avoid.", "Customer service ignored me.", ""]
with open("data.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["review", "sentiment"])
    for i in range(300):
        positive = i % 2 == 0
        p = rng.choice(products)
        text = f"The {p} {rng.choice(good if positive else bad)}. {rng.choice(extras_good if positive else extras_bad)}".strip()
        w.writerow([text, "positive" if positive else "negative"])
