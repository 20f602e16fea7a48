import random
import time

from answer import periods_with_total


def brute(values, k):
    count, best = 0, None
    n = len(values)
    for j in range(1, n + 1):
        for i in range(j):
            if sum(values[i:j]) == k:
                count += 1
                if best is None or j - i > best[1] - best[0] or (j - i == best[1] - best[0] and i < best[0]):
                    best = (i, j)
    return count, best


assert periods_with_total([], 0) == (0, None)
assert periods_with_total([], 3) == (0, None)
assert periods_with_total([5, -5, 5], 5) == (3, (0, 3))
assert periods_with_total([0, 0, 0], 0) == (6, (0, 3))
assert periods_with_total([1, 2, 3], 7) == (0, None)
assert periods_with_total([-1, -1, 1], -1) == (3, (0, 3))
assert periods_with_total([2, 2], 2) == (2, (0, 1)), "ties: earliest period"

rng = random.Random(10)
for trial in range(3000):
    v = [rng.randint(-3, 3) for _ in range(rng.randint(0, 12))]
    k = rng.randint(-4, 4)
    assert periods_with_total(v, k) == brute(v, k), (v, k)

big = [rng.randint(-5, 5) for _ in range(100_000)]
t = time.perf_counter()
count, best = periods_with_total(big, 7)
elapsed = time.perf_counter() - t
assert best is None or sum(big[best[0]:best[1]]) == 7
zeros = [0] * 100_000
assert periods_with_total(zeros, 0)[0] == 100_000 * 100_001 // 2
assert elapsed < 3.0, f"too slow: {elapsed:.2f}s"
print("prefix-sum checks passed")
