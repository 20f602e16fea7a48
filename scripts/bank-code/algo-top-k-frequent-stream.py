import random
import time
from collections import Counter

from answer import StreamingTopK, top_k_frequent


def oracle(items, k):
    counts = Counter(items)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]


def expect_value_error(fn, *args):
    try:
        fn(*args)
    except ValueError:
        return
    raise AssertionError(f"expected ValueError from {fn.__name__}{args}")


# Edge cases.
assert top_k_frequent([], 3) == []
assert top_k_frequent(["/a", "/b"], 0) == []
assert top_k_frequent(["/a"], 5) == [("/a", 1)]
expect_value_error(top_k_frequent, ["/a"], -1)
# Ties: alphabetical order decides, and the k-th place tie keeps the earlier path.
assert top_k_frequent(["/b", "/a", "/c", "/b", "/a", "/c"], 2) == [("/a", 2), ("/b", 2)]
assert top_k_frequent(["/z", "/y", "/x"], 1) == [("/x", 1)]
# A plain (count, item) min-heap would keep "/c" over "/a" here.
assert top_k_frequent(["/c", "/a", "/b", "/b"], 2) == [("/b", 2), ("/a", 1)]
# Generator input works (single pass).
assert top_k_frequent((p for p in ["/a", "/b", "/a"]), 1) == [("/a", 2)]

# Random comparison against the brute-force sort, with heavy ties.
rng = random.Random(1234)
for trial in range(3000):
    alphabet = [f"/p{i}" for i in range(rng.randint(1, 8))]
    items = [rng.choice(alphabet) for _ in range(rng.randint(0, 40))]
    k = rng.randint(0, 10)
    assert top_k_frequent(items, k) == oracle(items, k), (items, k)

# Streaming class agrees with batch at every point.
s = StreamingTopK()
seen = []
for step in range(2000):
    p = f"/q{rng.randint(0, 15)}"
    n = rng.randint(1, 3)
    s.add(p, n)
    seen.extend([p] * n)
    if step % 50 == 0:
        k = rng.randint(0, 20)
        assert s.top(k) == oracle(seen, k)
expect_value_error(s.add, "/x", 0)
expect_value_error(s.top, -2)

# Large input: 10^5 distinct paths plus repeats, k = 10, well under a second here.
big = [f"/item/{i}" for i in range(100_000)] + [f"/item/{i}" for i in range(0, 100_000, 7)]
t = time.perf_counter()
got = top_k_frequent(big, 10)
elapsed = time.perf_counter() - t
assert got == oracle(big, 10)
assert elapsed < 4.0, f"too slow: {elapsed:.2f}s"
print("top-k checks passed")
