import random
import statistics
import time

from answer import RunningMedian


def expect_value_error(fn, *args):
    try:
        fn(*args)
    except ValueError:
        return
    raise AssertionError(f"expected ValueError from {fn}{args}")


m = RunningMedian()
expect_value_error(m.median)
m.add(5)
assert m.median() == 5
m.add(1)
assert m.median() == 3
m.add(1)
assert m.median() == 1
m.add(-10)
assert m.median() == 1
expect_value_error(m.add, float("nan"))
assert len(m) == 4 and m.median() == 1, "NaN must not be stored"

rng = random.Random(42)
for trial in range(300):
    m = RunningMedian()
    seen = []
    for _ in range(rng.randint(1, 60)):
        x = rng.choice([rng.randint(-5, 5), rng.randint(-1000, 1000), rng.uniform(-10, 10)])
        m.add(x)
        seen.append(x)
        assert abs(m.median() - statistics.median(seen)) < 1e-9, (seen, m.median())

# All duplicates.
m = RunningMedian()
for _ in range(1001):
    m.add(7)
assert m.median() == 7

# Large: 10^5 adds and queries.
m = RunningMedian()
vals = [rng.randint(0, 10**6) for _ in range(100_000)]
t = time.perf_counter()
for v in vals:
    m.add(v)
    m.median()
elapsed = time.perf_counter() - t
assert m.median() == statistics.median(vals)
assert elapsed < 4.0, f"too slow: {elapsed:.2f}s"
print("median checks passed")
