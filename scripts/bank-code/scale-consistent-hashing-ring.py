# Check for scale-consistent-hashing-ring: balance with virtual nodes, minimal movement on add and
# remove (moved keys go only to/from the changed node), weights, wrap-around, empty ring, bad input.
from collections import Counter

import answer
from answer import HashRing

keys = [f"user:{i}" for i in range(20_000)]

ring = HashRing()
for n in ("cache-a", "cache-b", "cache-c", "cache-d"):
    ring.add_node(n)
before = {k: ring.get_node(k) for k in keys}
share = Counter(before.values())
assert set(share) == {"cache-a", "cache-b", "cache-c", "cache-d"}
for n, c in share.items():
    assert 0.7 * 5000 < c < 1.3 * 5000, f"{n} owns {c} of 20000 keys: poorly balanced"

# Adding a node moves about 1/5 of the keys, and only onto the new node.
ring.add_node("cache-e")
after = {k: ring.get_node(k) for k in keys}
moved = [k for k in keys if before[k] != after[k]]
assert 0.12 < len(moved) / len(keys) < 0.28, len(moved) / len(keys)
assert all(after[k] == "cache-e" for k in moved), "keys moved between old nodes"

# Removing it again restores the exact previous mapping.
ring.remove_node("cache-e")
assert {k: ring.get_node(k) for k in keys} == before

# Removing a node moves only its keys, spread over all survivors (thanks to virtual nodes).
ring.remove_node("cache-b")
after = {k: ring.get_node(k) for k in keys}
for k in keys:
    if before[k] != "cache-b":
        assert after[k] == before[k], "a key of a surviving node moved"
receivers = Counter(after[k] for k in keys if before[k] == "cache-b")
assert set(receivers) == {"cache-a", "cache-c", "cache-d"}, receivers
assert "cache-b" not in set(after.values())
ring.remove_node("no-such-node")  # no-op
assert {k: ring.get_node(k) for k in keys} == after

# Idempotent add, weights.
ring.add_node("cache-a")
assert {k: ring.get_node(k) for k in keys} == after
w = HashRing()
w.add_node("small")
w.add_node("big", weight=3)
c = Counter(w.get_node(k) for k in keys)
assert 2.0 < c["big"] / c["small"] < 4.5, c

# Wrap-around: a key hashing past the last point goes to the first point's owner.
r = HashRing(vnodes=1)
r.add_node("x")
r.add_node("y")
last = max(r._points)
probe = next(k for k in (f"k{i}" for i in range(100_000)) if answer._hash(k) > last)
assert r.get_node(probe) == r._owner[min(r._points)]
assert all(r.get_node(k) in ("x", "y") for k in keys[:1000])

# Empty ring and bad input.
try:
    HashRing().get_node("k")
except LookupError:
    pass
else:
    raise AssertionError("empty ring must raise LookupError")
for bad in (lambda: HashRing(vnodes=0), lambda: HashRing().add_node("n", weight=0)):
    try:
        bad()
    except ValueError:
        continue
    raise AssertionError("bad input accepted")
print("scale-consistent-hashing-ring: ok")
