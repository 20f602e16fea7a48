import random
import threading
import time

from answer import SlidingLogLimiter, SlidingWindowCounter


class Clock:
    def __init__(self, t=0.0):
        self.t = t

    def __call__(self):
        return self.t


def expect_value_error(cls, *args):
    try:
        cls(*args)
    except ValueError:
        return
    raise AssertionError(f"expected ValueError for {cls.__name__}{args}")


for cls in (SlidingLogLimiter, SlidingWindowCounter):
    expect_value_error(cls, 0, 10)
    expect_value_error(cls, 5, 0)
    expect_value_error(cls, 5, -1)

# Exact log: deterministic timeline.
c = Clock(100.0)
lim = SlidingLogLimiter(3, 10, c)
assert [lim.allow("u") for _ in range(4)] == [True, True, True, False]
assert lim.allow("v"), "keys are independent"
c.t = 109.999
assert not lim.allow("u")
c.t = 110.0  # requests at t=100 leave the window (100, 110]
assert lim.allow("u")
# Denied requests are not logged: hammering does not extend the lockout.
c2 = Clock(0.0)
lim2 = SlidingLogLimiter(1, 10, c2)
assert lim2.allow("k")
for i in range(1, 100):
    c2.t = i * 0.1
    assert not lim2.allow("k")
c2.t = 10.0
assert lim2.allow("k")

# Random comparison against a brute-force list of allowed times.
rng = random.Random(17)
for trial in range(300):
    limit, window = rng.randint(1, 5), rng.choice([1, 2.5, 10])
    c = Clock(rng.uniform(0, 100))
    lim = SlidingLogLimiter(limit, window, c)
    allowed = {k: [] for k in "abc"}
    for _ in range(200):
        c.t += rng.choice([0, 0, 0.1, 0.5, 1, 3])
        k = rng.choice("abc")
        expected = sum(1 for ts in allowed[k] if ts > c.t - window) < limit
        got = lim.allow(k)
        assert got == expected, (limit, window, c.t, allowed[k])
        if got:
            allowed[k].append(c.t)

# Counter: the bunching example from the answer (over-admits).
c = Clock(59.0)
cnt = SlidingWindowCounter(10, 60, c)
assert all(cnt.allow("u") for _ in range(10))
assert not cnt.allow("u")
c.t = 60.0
assert not cnt.allow("u"), "previous window fully weighted at its start"
c.t = 90.0
assert sum(cnt.allow("u") for _ in range(20)) == 5
# After two idle windows the state resets.
c.t = 300.0
assert sum(cnt.allow("u") for _ in range(20)) == 10
# Never more than limit within one fixed window, for random traffic.
for trial in range(200):
    limit, window = rng.randint(1, 8), rng.choice([1, 5, 60])
    c = Clock(0.0)
    cnt = SlidingWindowCounter(limit, window, c)
    per_window = {}
    for _ in range(300):
        c.t += rng.choice([0, 0.01, 0.2, 1, 7])
        if cnt.allow("k"):
            idx = int(c.t // window)
            per_window[idx] = per_window.get(idx, 0) + 1
    assert max(per_window.values(), default=0) <= limit

# Concurrency: frozen clock, 8 threads, exactly `limit` allowed.
for cls in (SlidingLogLimiter, SlidingWindowCounter):
    lim = cls(50, 60, Clock(5.0))
    results = []
    lock = threading.Lock()

    def worker():
        mine = [lim.allow("hot") for _ in range(200)]
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(results) == 50, (cls.__name__, sum(results))

# Performance: 10^5 calls across 1,000 keys.
c = Clock(0.0)
lim, cnt = SlidingLogLimiter(100, 1.0, c), SlidingWindowCounter(100, 1.0, c)
t = time.perf_counter()
for i in range(100_000):
    c.t = i * 0.0001
    lim.allow(i % 1000)
    cnt.allow(i % 1000)
elapsed = time.perf_counter() - t
assert elapsed < 8.0, f"too slow: {elapsed:.2f}s"
print("rate limiter checks passed")
