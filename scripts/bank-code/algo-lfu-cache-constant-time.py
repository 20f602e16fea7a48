import random
import time

from answer import LFUCache


class Model:
    def __init__(self, cap):
        self.cap, self.tick, self.d = cap, 0, {}

    def get(self, k, default=None):
        self.tick += 1
        if k not in self.d:
            return default
        v, f, _ = self.d[k]
        self.d[k] = (v, f + 1, self.tick)
        return v

    def put(self, k, v):
        self.tick += 1
        if self.cap == 0:
            return
        if k in self.d:
            _, f, _ = self.d[k]
            self.d[k] = (v, f + 1, self.tick)
            return
        if len(self.d) >= self.cap:
            victim = min(self.d, key=lambda x: (self.d[x][1], self.d[x][2]))
            del self.d[victim]
        self.d[k] = (v, 1, self.tick)


try:
    LFUCache(-1)
    raise AssertionError("negative capacity accepted")
except ValueError:
    pass

c = LFUCache(0)
c.put("a", 1)
assert c.get("a") is None and len(c) == 0

c = LFUCache(2)
c.put("a", 1)
c.put("b", 2)
assert c.get("a") == 1          # a: freq 2
c.put("c", 3)                   # evicts b (freq 1)
assert c.get("b") is None and c.get("c") == 3 and c.get("a") == 1
c.put("c", 30)                  # update counts as use; c freq 3, a freq 3
c.put("d", 4)                   # tie at freq 3: a used less recently than c -> evict a
assert c.get("a", "miss") == "miss" and c.get("c") == 30 and c.get("d") == 4
c = LFUCache(1)
c.put("x", None)
assert c.get("x", "miss") is None, "cached None is a hit"
c.put("y", 1)
assert c.get("x", "miss") == "miss"

rng = random.Random(606)
for trial in range(500):
    cap = rng.randint(0, 5)
    c, m = LFUCache(cap), Model(cap)
    for _ in range(200):
        k = rng.randint(0, 8)
        if rng.random() < 0.5:
            v = rng.randint(0, 100)
            c.put(k, v)
            m.put(k, v)
        else:
            assert c.get(k, "miss") == m.get(k, "miss"), (cap, k)
    assert len(c) == len(m.d)

cap = 100_000
c = LFUCache(cap)
t = time.perf_counter()
for i in range(200_000):
    c.put(i, i)
    if i % 3 == 0:
        c.get(i // 2)
elapsed = time.perf_counter() - t
assert len(c) == cap
assert elapsed < 8.0, f"too slow: {elapsed:.2f}s"
print("lfu checks passed")
