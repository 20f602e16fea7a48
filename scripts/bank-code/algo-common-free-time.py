import random
import time

from answer import common_free


def oracle(calendars, day_start, day_end, min_len):
    busy = set()
    for cal in calendars:
        for s, e in cal:
            busy.update(range(s, e))
    runs = []
    for t in range(day_start, day_end):
        if t in busy:
            continue
        if runs and runs[-1][1] == t:
            runs[-1][1] = t + 1
        else:
            runs.append([t, t + 1])
    return [(s, e) for s, e in runs if e - s >= min_len]


def expect_value_error(*args):
    try:
        common_free(*args)
    except ValueError:
        return
    raise AssertionError(f"expected ValueError for {args}")


assert common_free([], 9, 17) == [(9, 17)], "nobody: whole window free"
assert common_free([[(0, 24)]], 9, 17) == [], "busy all day"
assert common_free([[(8, 10)], [(16, 18)]], 9, 17) == [(10, 16)], "straddling the edges"
assert common_free([[(10, 12), (11, 13)], [(15, 16)]], 9, 17) == [(9, 10), (13, 15), (16, 17)]
assert common_free([[(10, 11)], [(12, 16)]], 9, 17, 2) == [], "min_len filters 1-hour gaps"
assert common_free([[(1, 2)], [(20, 22)]], 9, 17) == [(9, 17)], "all outside the window"
expect_value_error([[(3, 2)]], 0, 10)
expect_value_error([[(5, 6), (1, 2)]], 0, 10)
expect_value_error([], 10, 10)
expect_value_error([], 0, 10, 0)

# Lazy reading: nothing past the first interval that starts at or after day_end is pulled,
# and a calendar may be any iterable (a generator reading a file), not a loaded list.
def lazy_calendar(pulled):
    for iv in [(1, 3), (5, 6), (20, 21)]:
        pulled.append(iv)
        yield iv
    raise AssertionError("read past the end of the working window")


pulled = []
assert common_free([lazy_calendar(pulled), [(2, 4)]], 0, 10) == [(0, 1), (4, 5), (6, 10)]
assert pulled[-1] == (20, 21)


rng = random.Random(31337)
for trial in range(3000):
    cals = []
    for _ in range(rng.randint(0, 5)):
        cal = []
        for _ in range(rng.randint(0, 5)):
            s = rng.randint(0, 40)
            cal.append((s, s + rng.randint(1, 8)))
        cal.sort()
        cals.append(cal)
    ds = rng.randint(0, 20)
    de = ds + rng.randint(1, 25)
    ml = rng.randint(1, 4)
    assert common_free(cals, ds, de, ml) == oracle(cals, ds, de, ml), (cals, ds, de, ml)

# Large: 1,000 people x 100 intervals.
cals = []
for _ in range(1000):
    starts = sorted(rng.randint(0, 10**7) for _ in range(100))
    cals.append([(s, s + rng.randint(1, 5000)) for s in starts])
t = time.perf_counter()
res = common_free(cals, 0, 10**7 + 5000, 1)
elapsed = time.perf_counter() - t
assert all(a[1] < b[0] for a, b in zip(res, res[1:]))
assert elapsed < 6.0, f"too slow: {elapsed:.2f}s"
print("free time checks passed")
