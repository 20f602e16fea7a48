import random
import sys
import time
from functools import lru_cache

from answer import did_you_mean, edit_distance


def brute(a, b):
    @lru_cache(maxsize=None)
    def d(i, j):
        if i == 0:
            return j
        if j == 0:
            return i
        return min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] != b[j - 1]))
    return d(len(a), len(b))


assert edit_distance("", "") == 0
assert edit_distance("", "abc") == 3 and edit_distance("abc", "") == 3
assert edit_distance("kitten", "sitting") == 3
assert edit_distance("flaw", "lawn") == 2
assert edit_distance("commit", "commit") == 0
assert edit_distance("teh", "the") == 2
assert edit_distance("kitten", "sitting", 2) == 3, "above the threshold reports max_dist + 1"
assert edit_distance("kitten", "sitting", 3) == 3
assert edit_distance("a", "abcdef", 2) == 3
try:
    edit_distance("a", "b", -1)
    raise AssertionError("negative max_dist accepted")
except ValueError:
    pass
assert did_you_mean("comit", ["commit", "clone", "config", "checkout"]) == ["commit"]
assert did_you_mean("statsu", ["status", "stash", "stat", "log"]) == ["stash", "stat", "status"]
assert did_you_mean("stat", ["status", "stat"], 1) == ["stat"]
assert did_you_mean("xyzzy", ["commit"]) == []

rng = random.Random(99)
for trial in range(3000):
    a = "".join(rng.choice("abc") for _ in range(rng.randint(0, 8)))
    b = "".join(rng.choice("abc") for _ in range(rng.randint(0, 8)))
    d = brute(a, b)
    assert edit_distance(a, b) == d == edit_distance(b, a), (a, b)
    k = rng.randint(0, 5)
    assert edit_distance(a, b, k) == (d if d <= k else k + 1), (a, b, k)

a = "".join(rng.choice("abcd") for _ in range(1000))
b = "".join(rng.choice("abcd") for _ in range(1000))
t = time.perf_counter()
full = edit_distance(a, b)
elapsed_full = time.perf_counter() - t
assert 0 < full <= 1000
assert elapsed_full < 10.0, f"too slow: {elapsed_full:.2f}s"
# Early exit: 10^5-character strings with nothing in common stop after a few rows.
x, y = "a" * 100_000, "b" * 100_000
t = time.perf_counter()
assert edit_distance(x, y, 2) == 3
assert edit_distance(x, "a" * 99_000, 2) == 3  # length bound, immediate
elapsed = time.perf_counter() - t
assert elapsed < 3.0, f"early exit not effective: {elapsed:.2f}s"
print(f"edit distance checks passed (1000x1000 in {elapsed_full:.2f}s)")
