import random
import time
from itertools import combinations

from answer import best_schedule


def compatible(jobs, idx):
    spans = sorted((jobs[i][0], jobs[i][1]) for i in idx)
    return all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def brute(jobs):
    best = 0
    for r in range(1, len(jobs) + 1):
        for idx in combinations(range(len(jobs)), r):
            if compatible(jobs, idx):
                best = max(best, sum(jobs[i][2] for i in idx))
    return best


def check(jobs, expected):
    total, chosen = best_schedule(jobs)
    assert total == expected, (jobs, total, expected)
    assert len(set(chosen)) == len(chosen)
    assert compatible(jobs, chosen), (jobs, chosen)
    assert sum(jobs[i][2] for i in chosen) == total


assert best_schedule([]) == (0, [])
check([(0, 10, 100), (0, 1, 1), (1, 2, 1)], 100)          # beats earliest-end greedy
check([(0, 10, 10), (0, 5, 9), (5, 10, 9)], 18)           # beats highest-pay greedy
check([(0, 5, 3), (5, 9, 4)], 7)                          # touching jobs both fit
check([(1, 3, 5), (1, 3, 5)], 5)                          # identical: only one
check([(0, 4, -5), (0, 4, 0), (4, 6, 2)], 2)              # never need non-positive pay
for bad in ([(3, 3, 1)], [(4, 2, 1)]):
    try:
        best_schedule(bad)
        raise AssertionError(f"accepted {bad}")
    except ValueError:
        pass

rng = random.Random(4242)
for trial in range(1500):
    jobs = []
    for _ in range(rng.randint(0, 9)):
        s = rng.randint(0, 15)
        jobs.append((s, s + rng.randint(1, 6), rng.randint(-2, 20)))
    check(jobs, brute(jobs))

jobs = []
for _ in range(100_000):
    s = rng.randint(0, 10**7)
    jobs.append((s, s + rng.randint(1, 1000), rng.randint(1, 10**6)))
t = time.perf_counter()
total, chosen = best_schedule(jobs)
elapsed = time.perf_counter() - t
assert compatible(jobs, chosen) and sum(jobs[i][2] for i in chosen) == total
assert elapsed < 8.0, f"too slow: {elapsed:.2f}s"
print("weighted interval scheduling checks passed")
