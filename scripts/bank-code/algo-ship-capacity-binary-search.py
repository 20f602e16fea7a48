import random
import time
from itertools import combinations

from answer import days_needed, min_capacity


def brute(weights, days):
    n = len(weights)
    if n == 0:
        return 0
    best = None
    for cuts in range(0, min(days, n)):
        for pos in combinations(range(1, n), cuts):
            bounds = (0,) + pos + (n,)
            worst = max(sum(weights[a:b]) for a, b in zip(bounds, bounds[1:]))
            best = worst if best is None else min(best, worst)
    return best


def expect_value_error(*args):
    try:
        min_capacity(*args)
    except ValueError:
        return
    raise AssertionError(f"expected ValueError for {args}")


assert min_capacity([], 3) == 0
assert min_capacity([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5) == 15
assert min_capacity([3, 2, 2, 4, 1, 4], 3) == 6
assert min_capacity([1, 2, 3, 1, 1], 4) == 3
assert min_capacity([7, 2, 5], 1) == 14
assert min_capacity([7, 2, 5], 10) == 7
assert min_capacity([0, 0, 0], 1) == 0
expect_value_error([1, 2], 0)
expect_value_error([1, -2], 2)
assert days_needed([5, 5, 5], 10) == 2

rng = random.Random(8080)
for trial in range(2000):
    w = [rng.randint(0, 12) for _ in range(rng.randint(0, 8))]
    d = rng.randint(1, 9)
    assert min_capacity(w, d) == brute(w, d), (w, d)

big = [rng.randint(1, 10_000) for _ in range(100_000)]
t = time.perf_counter()
cap = min_capacity(big, 100)
elapsed = time.perf_counter() - t
assert days_needed(big, cap) <= 100 and days_needed(big, cap - 1) > 100
assert elapsed < 6.0, f"too slow: {elapsed:.2f}s"
print(f"ship capacity checks passed ({elapsed:.2f}s for n=10^5)")
