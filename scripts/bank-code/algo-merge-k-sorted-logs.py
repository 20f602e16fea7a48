import random
import time
from itertools import chain

from answer import merge_sorted


def key(rec):
    return rec["ts"]


class CountingSource:
    def __init__(self, records):
        self.records = records
        self.pulled = 0

    def __iter__(self):
        for r in self.records:
            self.pulled += 1
            yield r


def mk(ts_list, src):
    return [{"ts": t, "src": src, "line": i} for i, t in enumerate(ts_list)]


# Edge cases.
assert list(merge_sorted([], key)) == []
assert list(merge_sorted([[], [], []], key)) == []
one = mk([1, 2, 2, 3], 0)
assert list(merge_sorted([one], key)) == one

# Stability on equal timestamps: file order, then line order.
a, b = mk([5, 5, 7], 0), mk([5, 6], 1)
got = [(r["src"], r["line"]) for r in merge_sorted([a, b], key)]
assert got == [(0, 0), (0, 1), (1, 0), (1, 1), (0, 2)], got

# Random comparison with a stable sort of the concatenation (dict records
# are unorderable, so any comparison of records would raise TypeError).
rng = random.Random(7)
for trial in range(2000):
    k = rng.randint(0, 6)
    sources = [mk(sorted(rng.randint(0, 10) for _ in range(rng.randint(0, 8))), s) for s in range(k)]
    expected = sorted(chain(*sources), key=key)
    assert list(merge_sorted(sources, key)) == expected

# Laziness: after taking the first record, no source was read past its head,
# except the one consumed (which advanced by one).
srcs = [CountingSource(mk(list(range(s, 1000, 3)), s)) for s in range(3)]
it = merge_sorted(srcs, key)
first = next(it)
assert first["ts"] == 0
assert sum(s.pulled for s in srcs) <= 4, [s.pulled for s in srcs]
next(it)
assert sum(s.pulled for s in srcs) <= 5

# Unsorted source is reported, naming the source.
bad = [mk([1, 4], 0), mk([2, 3, 1], 1)]
out = []
try:
    for r in merge_sorted(bad, key):
        out.append(r["ts"])
except ValueError as e:
    assert "source 1" in str(e), e
else:
    raise AssertionError("unsorted source not detected")
assert out == sorted(out)

# Large: 100 sources x 1,000 records.
sources = [mk(sorted(rng.randint(0, 10**6) for _ in range(1000)), s) for s in range(100)]
t = time.perf_counter()
merged = list(merge_sorted(sources, key))
elapsed = time.perf_counter() - t
assert merged == sorted(chain(*sources), key=key)
assert elapsed < 4.0, f"too slow: {elapsed:.2f}s"
print("merge-k checks passed")
