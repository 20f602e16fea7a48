import random
import time

from answer import insert, merge


def oracle(intervals):
    cells = set()
    for s, e in intervals:
        cells.update(range(s, e))
    out = []
    for c in sorted(cells):
        if out and out[-1][1] == c:
            out[-1][1] = c + 1
        else:
            out.append([c, c + 1])
    return [tuple(x) for x in out]


def expect_value_error(fn, *args):
    try:
        fn(*args)
    except ValueError:
        return
    raise AssertionError(f"expected ValueError from {fn.__name__}{args}")


assert merge([]) == []
assert merge([(1, 3)]) == [(1, 3)]
assert merge([(1, 3), (3, 5)]) == [(1, 5)], "touching intervals merge"
assert merge([(1, 10), (2, 3), (4, 5)]) == [(1, 10)], "nested"
assert merge([(5, 6), (1, 2), (1, 2)]) == [(1, 2), (5, 6)], "duplicates, unsorted"
assert insert([], (2, 4)) == [(2, 4)]
assert insert([(1, 2), (5, 6)], (3, 4)) == [(1, 2), (3, 4), (5, 6)]
assert insert([(1, 2), (5, 6)], (0, 10)) == [(0, 10)]
assert insert([(1, 2), (5, 6)], (2, 5)) == [(1, 6)]
assert insert([(3, 4)], (0, 1)) == [(0, 1), (3, 4)]
assert insert([(3, 4)], (8, 9)) == [(3, 4), (8, 9)]
expect_value_error(merge, [(1, 2), (3, 3)])
expect_value_error(merge, [(5, 1)])
expect_value_error(insert, [(1, 2)], (4, 4))

rng = random.Random(5)
for trial in range(4000):
    ivs = []
    for _ in range(rng.randint(0, 10)):
        s = rng.randint(0, 30)
        ivs.append((s, s + rng.randint(1, 8)))
    assert merge(ivs) == oracle(ivs), ivs
    s = rng.randint(0, 35)
    new = (s, s + rng.randint(1, 10))
    assert insert(merge(ivs), new) == oracle(ivs + [new]), (ivs, new)

big = []
for _ in range(100_000):
    s = rng.randint(0, 10**7)
    big.append((s, s + rng.randint(1, 200)))
t = time.perf_counter()
m = merge(big)
ins = insert(m, (5_000_000, 5_000_100))
elapsed = time.perf_counter() - t
assert all(a[1] < b[0] for a, b in zip(m, m[1:]))
assert all(a[1] < b[0] for a, b in zip(ins, ins[1:]))
assert elapsed < 6.0, f"too slow: {elapsed:.2f}s"
print("interval checks passed")
