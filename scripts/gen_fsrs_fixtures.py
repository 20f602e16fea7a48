#!/usr/bin/env python3
"""Generate FSRS fixtures from the reference implementation (py-fsrs, pinned below).

    python3 -m venv /tmp/fsrsenv && /tmp/fsrsenv/bin/pip install fsrs==6.3.2
    /tmp/fsrsenv/bin/python scripts/gen_fsrs_fixtures.py > Tests/PrepdeckCoreTests/Fixtures/fsrs.json

Each case: settings, a review history (rating, time), and the reference's card after every review.
The Swift tests compare against this file and do not need Python.
"""
import json, random, sys
from datetime import datetime, timedelta, timezone
from fsrs import Scheduler, Card, Rating, State

STATE = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}
DEFAULT = dict(desired_retention=0.9, learning_steps_minutes=[1, 10], relearning_steps_minutes=[10],
               maximum_interval_days=36500, parameters=None)

def iso(d):
    return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

def run(settings, reviews, card_id=1):
    kw = {}
    if settings["parameters"] is not None:
        kw["parameters"] = settings["parameters"]
    s = Scheduler(desired_retention=settings["desired_retention"],
                  learning_steps=[timedelta(minutes=m) for m in settings["learning_steps_minutes"]],
                  relearning_steps=[timedelta(minutes=m) for m in settings["relearning_steps_minutes"]],
                  maximum_interval=settings["maximum_interval_days"], enable_fuzzing=False, **kw)
    card = Card(card_id=card_id)
    out = []
    for rating, at in reviews:
        card, _ = s.review_card(card, Rating(rating), at)
        out.append({"state": STATE[card.state], "step": card.step, "stability": card.stability,
                    "difficulty": card.difficulty, "due": iso(card.due)})
    return out

def random_settings(rng):
    st = dict(DEFAULT)
    roll = rng.random()
    if roll < 0.5:
        return st
    st = dict(st)
    st["desired_retention"] = rng.choice([0.7, 0.8, 0.85, 0.9, 0.95, 0.97])
    st["learning_steps_minutes"] = rng.choice([[], [1], [1, 10], [5, 30, 120], [10]])
    st["relearning_steps_minutes"] = rng.choice([[], [10], [5, 20]])
    st["maximum_interval_days"] = rng.choice([36500, 365, 30, 7])
    if rng.random() < 0.3:
        # Perturb the weights within their bounds.
        from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS as LO, UPPER_BOUNDS_PARAMETERS as HI
        st["parameters"] = [min(hi, max(lo, w * rng.uniform(0.7, 1.3))) for w, lo, hi in zip(DEFAULT_PARAMETERS, LO, HI)]
    return st

def random_history(rng, n):
    t = datetime(2026, 1, 1, 8, 0, tzinfo=timezone.utc) + timedelta(seconds=rng.randint(0, 86400 * 30))
    out = []
    for _ in range(n):
        out.append((rng.choices([1, 2, 3, 4], weights=[2, 1, 5, 1])[0], t))
        gap = rng.choice([
            timedelta(seconds=rng.randint(5, 600)),           # same session
            timedelta(minutes=rng.randint(1, 60 * 20)),       # same day / next day
            timedelta(days=rng.randint(1, 10), seconds=rng.randint(0, 86399)),
            timedelta(days=rng.randint(10, 400)),             # late
            timedelta(hours=rng.randint(1, 30)),              # early
        ])
        t = t + gap
    return out

def main():
    rng = random.Random(20261129)
    cases = []
    base = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    edge = [
        ("good-good-good", DEFAULT, [(3, base), (3, base + timedelta(minutes=1)), (3, base + timedelta(minutes=11))]),
        ("easy-first", DEFAULT, [(4, base), (4, base + timedelta(days=15))]),
        ("again-loop", DEFAULT, [(1, base), (1, base + timedelta(minutes=1)), (2, base + timedelta(minutes=2)), (3, base + timedelta(minutes=8))]),
        ("lapse-relearn", DEFAULT, [(3, base), (3, base + timedelta(minutes=1)), (3, base + timedelta(minutes=11)),
                                    (1, base + timedelta(days=3)), (3, base + timedelta(days=3, minutes=10)), (3, base + timedelta(days=8))]),
        ("many-same-day", DEFAULT, [(3, base + timedelta(minutes=k)) for k in range(8)]),
        ("very-late", DEFAULT, [(3, base), (4, base + timedelta(minutes=1)), (3, base + timedelta(days=900))]),
        ("no-steps", dict(DEFAULT, learning_steps_minutes=[], relearning_steps_minutes=[]),
         [(1, base), (1, base + timedelta(days=1)), (3, base + timedelta(days=2))]),
        ("one-step-hard", dict(DEFAULT, learning_steps_minutes=[10], relearning_steps_minutes=[10]),
         [(2, base), (2, base + timedelta(minutes=15)), (3, base + timedelta(minutes=40))]),
        ("max-interval", dict(DEFAULT, maximum_interval_days=7), [(4, base), (4, base + timedelta(days=7)), (4, base + timedelta(days=14))]),
        ("fractional-seconds", DEFAULT, [(3, base + timedelta(microseconds=250000)), (3, base + timedelta(minutes=1, microseconds=500000))]),
    ]
    for name, st, hist in edge:
        cases.append({"name": name, "settings": st, "reviews": [{"rating": r, "at": iso(t)} for r, t in hist],
                      "expected": run(st, hist)})
    for k in range(600):
        st = random_settings(rng)
        hist = random_history(rng, rng.randint(1, 25))
        cases.append({"name": f"random-{k}", "settings": st, "reviews": [{"rating": r, "at": iso(t)} for r, t in hist],
                      "expected": run(st, hist)})
    json.dump({"reference": "fsrs 6.3.2 (PyPI), enable_fuzzing=False", "cases": cases}, sys.stdout, separators=(",", ":"))

main()
