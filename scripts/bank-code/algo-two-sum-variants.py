import random
import time

from answer import count_pairs, two_sum, two_sum_sorted


def brute_pair(a, t):
    for j in range(len(a)):
        for i in range(j):
            if a[i] + a[j] == t:
                return i, j
    return None


def brute_count(a, t):
    return sum(1 for j in range(len(a)) for i in range(j) if a[i] + a[j] == t)


assert two_sum([], 5) is None and count_pairs([], 5) == 0 and two_sum_sorted([], 5) is None
assert two_sum([5], 10) is None, "an element is not paired with itself"
assert two_sum([5, 5], 10) == (0, 1)
assert two_sum([3, 2, 4], 6) == (1, 2)
assert two_sum([-3, 7, 0, 4], 4) == (0, 1)
assert two_sum([-3, 8, 0, 4], 4) == (2, 3)
assert count_pairs([2] * 6, 4) == 15
assert count_pairs([1, 3, 2, 2, 3, 1], 4) == 5
assert two_sum_sorted([1, 2, 3, 9], 12) == (2, 3)
assert two_sum_sorted([1, 1], 2) == (0, 1)

rng = random.Random(21)
for trial in range(3000):
    a = [rng.randint(-6, 6) for _ in range(rng.randint(0, 14))]
    t = rng.randint(-8, 8)
    assert two_sum(a, t) == brute_pair(a, t), (a, t)
    assert count_pairs(a, t) == brute_count(a, t), (a, t)
    s = sorted(a)
    r = two_sum_sorted(s, t)
    if brute_pair(s, t) is None:
        assert r is None
    else:
        i, j = r
        assert i < j and s[i] + s[j] == t

big = [rng.randint(-10**9, 10**9) for _ in range(100_000)]
t0 = time.perf_counter()
assert two_sum(big, 3 * 10**9) is None
count_pairs(big, 12345)
two_sum_sorted(sorted(big), 3 * 10**9)
elapsed = time.perf_counter() - t0
assert elapsed < 4.0, f"too slow: {elapsed:.2f}s"
print("two-sum checks passed")
