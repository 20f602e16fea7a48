"""Check for stor-lsm-memtable-sstable-compaction-python: the answer's LSMStore must
return the newest version of every key across memtable and SSTables, honour tombstones,
keep tombstones in partial compactions and drop them only in a bottommost compaction,
and agree with a plain dict under random operations, flushes and compactions."""
import random

from answer import TOMBSTONE, LSMStore


def expect_raises(exc, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc:
        return
    raise AssertionError(f"{fn.__name__}{args} did not raise {exc.__name__}")


# Memtable only, overwrite.
s = LSMStore(memtable_limit=3)
s.put("a", 1)
s.put("a", 2)
assert s.get("a") == 2 and s.get("zz") is None
assert s.sstables == []

# Flush at the limit, newer table wins.
s = LSMStore(memtable_limit=2)
s.put("k", "old"); s.put("x", 1)            # flush -> table A
s.put("k", "new"); s.put("y", 1)            # flush -> table B
assert len(s.sstables) == 2 and s.memtable == {}
assert s.get("k") == "new"

# Tombstone in the newest table shadows a value two tables down.
s = LSMStore(memtable_limit=2)
s.put("victim", "v1"); s.put("p", 1)        # oldest table holds victim=v1
s.put("q", 1); s.put("r", 1)                # middle table
s.delete("victim"); s.put("t", 1)           # newest table holds the tombstone
assert len(s.sstables) == 3
assert s.get("victim") is None
assert "victim" not in dict(s.scan())

# Partial compaction (newest two, not the oldest) must keep the tombstone.
s.compact(0, 2)
assert len(s.sstables) == 2
newest = s.sstables[0]
assert any(k == "victim" and v is TOMBSTONE for k, _, v in newest.records), \
    "tombstone dropped in a non-bottommost compaction"
assert s.get("victim") is None, "deleted key resurrected after partial compaction"

# Full compaction drops tombstones and shadowed versions.
s.compact()
assert len(s.sstables) == 1
recs = s.sstables[0].records
assert all(v is not TOMBSTONE for _, _, v in recs), "bottommost compaction kept a tombstone"
assert [k for k, _, _ in recs] == sorted(k for k, _, _ in recs)
assert s.get("victim") is None
assert dict(s.scan()) == {"p": 1, "q": 1, "r": 1, "t": 1}

# Newest version survives compaction regardless of table order in the merge.
s = LSMStore(memtable_limit=1)
for i in range(5):
    s.put("hot", i)
assert len(s.sstables) == 5
s.compact(1, 3)
assert s.get("hot") == 4
s.compact()
assert s.sstables[0].records == [("hot", 5, 4)]

# Everything deleted: a bottommost compaction leaves no table at all.
s = LSMStore(memtable_limit=1)
s.put("a", 1); s.delete("a")
s.compact()
assert s.sstables == [] and s.get("a") is None

# Scan: key order, half-open bounds, memtable overlays SSTables.
s = LSMStore(memtable_limit=3)
for k in ["d", "b", "a"]:
    s.put(k, k.upper())                     # flushed
s.put("c", "C"); s.put("b", "B2")           # memtable (not flushed)
s.delete("d")
assert list(s.scan()) == [("a", "A"), ("b", "B2"), ("c", "C")], list(s.scan())
assert list(s.scan("b", "c")) == [("b", "B2")]
assert list(s.scan(hi="a")) == []
assert list(s.scan("b")) == [("b", "B2"), ("c", "C")]

# Bad input.
s = LSMStore()
expect_raises(TypeError, s.put, "", 1)
expect_raises(TypeError, s.put, 5, 1)
expect_raises(TypeError, s.put, "k", None)
expect_raises(TypeError, s.delete, None)
expect_raises(ValueError, LSMStore, 0)
s = LSMStore(memtable_limit=1)
s.put("a", 1); s.put("b", 2)
expect_raises(ValueError, s.compact, 0, 1)
expect_raises(ValueError, s.compact, 1, 2)
expect_raises(ValueError, s.compact, -1, 2)
assert s.get("a") == 1 and s.get("b") == 2

# Model check against a dict: random writes, deletes, flushes, compactions.
rng = random.Random(7)
for trial in range(200):
    s = LSMStore(memtable_limit=rng.randint(1, 6))
    model = {}
    keys = [f"k{i:02d}" for i in range(rng.randint(2, 12))]
    for step in range(rng.randint(10, 120)):
        op = rng.random()
        k = rng.choice(keys)
        if op < 0.55:
            v = (trial, step)
            s.put(k, v); model[k] = v
        elif op < 0.8:
            s.delete(k); model.pop(k, None)
        elif op < 0.88:
            s.flush()
        elif len(s.sstables) >= 2:
            start = rng.randrange(len(s.sstables) - 1)
            count = rng.randint(2, len(s.sstables) - start)
            s.compact(start, count)
        for q in keys:
            assert s.get(q) == model.get(q), (trial, step, q, s.get(q), model.get(q))
        lo, hi = sorted(rng.sample(keys, 2)) if len(keys) > 1 else (None, None)
        want = sorted((k2, v2) for k2, v2 in model.items() if lo <= k2 < hi)
        assert list(s.scan(lo, hi)) == want, (trial, step)
    assert list(s.scan()) == sorted(model.items())
print("stor-lsm-memtable-sstable-compaction-python: ok")
