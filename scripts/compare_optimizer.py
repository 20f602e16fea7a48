#!/usr/bin/env python3
"""Compare `prepdeck optimize` with the reference optimizer (fsrs-rs through fsrs-rs-python) on one log.

Usage: compare_optimizer.py DATA_DIR PREPDECK [BANK]

DATA_DIR holds a reviews.jsonl (e.g. from `prepdeck-bench simulate`). The script fits the reference's
weights on the same reviews, then scores them with prepdeck's own evaluation (it writes them to a copy of
the directory's settings.json and reads `current` from `prepdeck optimize --json` there), so both fits
are measured by one yardstick. Needs: pip install fsrs-rs-python (0.9.x).
"""
import json, os, shutil, subprocess, sys, tempfile, time
from datetime import datetime
from fsrs_rs_python import FSRS, FSRSItem, FSRSReview, DEFAULT_PARAMETERS

data, prepdeck = sys.argv[1], sys.argv[2]
bank = sys.argv[3] if len(sys.argv) > 3 else None

def at(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()

# The effective reviews, resolved as replay resolves them: undone ids and repeated ids are skipped.
lines = [json.loads(l) for l in open(os.path.join(data, "reviews.jsonl")) if l.strip()]
undone = {l["undo"] for l in lines if "undo" in l}
seen, cards = set(), {}
for l in lines:
    if "undo" in l or l["id"] in undone or l["id"] in seen:
        continue
    seen.add(l["id"])
    cards.setdefault(l["card"], []).append((at(l["at"]), int(l["rating"])))

# fsrs-rs items: every prefix of a card's history ending at a review, delta_t in whole days since the one before.
items = []
for reviews in cards.values():
    reviews.sort(key=lambda r: r[0])
    history = []
    prev = None
    long_term = False
    for t, rating in reviews:
        delta = 0 if prev is None else int((t - prev) // 86400)
        history.append(FSRSReview(rating, delta))
        long_term = long_term or (prev is not None and delta > 0)
        prev = t
        if len(history) >= 2 and long_term:  # fsrs-rs needs a review a day or more later in the item
            items.append(FSRSItem(list(history)))
start = time.time()
reference = FSRS(DEFAULT_PARAMETERS).compute_parameters(items)
ref_seconds = time.time() - start

def optimize(directory):
    args = [prepdeck, "optimize", "--json", "--data-dir", directory] + (["--bank", bank] if bank else [])
    t = time.time()
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out), time.time() - t

ours, our_seconds = optimize(data)
scratch = tempfile.mkdtemp(prefix="prepdeck-compare-")
try:
    shutil.copy(os.path.join(data, "reviews.jsonl"), scratch)
    with open(os.path.join(scratch, "settings.json"), "w") as f:
        json.dump({"parameters": [round(x, 4) for x in reference]}, f)
    scored, _ = optimize(scratch)
finally:
    shutil.rmtree(scratch)

ref = scored["current"]
print(f"reviews used: {ours['reviews_used']} (fsrs-rs items: {len(items)})")
print(f"{'weights':10} {'log loss':>9} {'RMSE(bins)':>11} {'seconds':>8}")
print(f"{'prepdeck':10} {ours['fitted']['log_loss']:9.4f} {ours['fitted']['rmse_bins']:11.4f} {our_seconds:8.2f}")
print(f"{'fsrs-rs':10} {ref['log_loss']:9.4f} {ref['rmse_bins']:11.4f} {ref_seconds:8.2f}")
print(f"{'defaults':10} {ours['defaults']['log_loss']:9.4f} {ours['defaults']['rmse_bins']:11.4f}")
ratio = ours["fitted"]["log_loss"] / ref["log_loss"]
print(f"prepdeck / fsrs-rs log loss: {ratio:.4f} ({(ratio - 1) * 100:+.2f} %)")
print("prepdeck:", ours["parameters"])
print("fsrs-rs: ", [round(x, 4) for x in reference])
sys.exit(0 if ratio <= 1.01 else 1)
