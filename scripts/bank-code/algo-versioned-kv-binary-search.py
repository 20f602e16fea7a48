import random
import time

from answer import VersionedStore


def brute_get(writes, key, ts, default=None):
    latest = {}
    for k, v, t in writes:
        if k == key:
            latest[t] = v  # last write per timestamp wins
    cands = [t for t in latest if t <= ts]
    return latest[max(cands)] if cands else default


s = VersionedStore()
assert s.get("k", 10) is None and s.get("k", 10, "dflt") == "dflt"
s.set("k", {"v": 1}, 10)
s.set("k", {"v": 2}, 20)
assert s.get("k", 9, "none") == "none", "before the first version"
assert s.get("k", 10) == {"v": 1} and s.get("k", 19) == {"v": 1}
assert s.get("k", 20) == {"v": 2} and s.get("k", 10**12) == {"v": 2}
s.set("k", {"v": 15}, 15)  # late write
assert s.get("k", 16) == {"v": 15} and s.get("k", 14) == {"v": 1}
s.set("k", {"v": "again"}, 15)  # same timestamp overwrites
assert s.get("k", 15) == {"v": "again"}
s.set("k", {"v": "first"}, 5)
assert s.get("k", 5) == {"v": "first"}
s.set("n", None, 1)
assert s.get("n", 1, "dflt") is None, "stored None is returned, not the default"
assert s.get("other", 100) is None

rng = random.Random(77)
for trial in range(300):
    s, writes = VersionedStore(), []
    t = 0
    for _ in range(rng.randint(0, 40)):
        t += rng.choice([1, 1, 2, 5])
        ts = t if rng.random() < 0.8 else rng.randint(-5, t)  # some late writes
        key, val = rng.choice("ab"), rng.randint(0, 1000)
        s.set(key, val, ts)
        writes.append((key, val, ts))
    for _ in range(30):
        key, ts = rng.choice("abc"), rng.randint(-8, t + 3)
        assert s.get(key, ts, "D") == brute_get(writes, key, ts, "D"), (writes, key, ts)

s = VersionedStore()
t0 = time.perf_counter()
for i in range(100_000):
    s.set("cfg", i, i * 10)
for i in range(100_000):
    assert s.get("cfg", i * 10 + 5) == i
elapsed = time.perf_counter() - t0
assert elapsed < 4.0, f"too slow: {elapsed:.2f}s"
print("versioned store checks passed")
