import threading
import time

from answer import QuorumClient, QuorumError, Replica, Versioned


class SlowReplica(Replica):
    """Blocks every call until released: a replica that stopped answering."""

    def __init__(self, name):
        super().__init__(name)
        self.gate = threading.Event()
        self.gate.set()

    def get(self, key):
        self.gate.wait(timeout=5)  # bounded, so a failing check still exits
        return super().get(key)

    def put(self, key, item):
        self.gate.wait(timeout=5)
        return super().put(key, item)


def expect(exc, fn, *args):
    try:
        fn(*args)
    except exc:
        return
    raise AssertionError(f"expected {exc.__name__}")


def raw(rep, key):
    return rep._data.get(key)


# Configuration validation.
reps = [Replica(n) for n in "ABC"]
for r, w in ((0, 2), (2, 0), (4, 1), (1, 4), (1, 1), (1, 2)):
    expect(ValueError, QuorumClient, reps, r, w)

a, b, c = reps
qc = QuorumClient(reps, r=2, w=2, timeout=1.0)

# Happy path and missing key.
assert qc.read("cart") is None
v1 = qc.write("cart", ["book"], "w1")
assert qc.read("cart") == ["book"]
assert sum(raw(x, "cart") is not None for x in reps) >= 2

# Stale replica repaired: A has v2, B has v1, C down.
for x in reps:
    x._data["k"] = Versioned((1, "w1"), "old")
a._data["k"] = Versioned((2, "w1"), "new")
c.up = False
assert qc.read("k") == "new"
assert raw(b, "k").value == "new", "stale responder must be repaired"
# Monotonic reads: A (the only original holder) now fails; still "new".
c.up = True
a.up = False
assert qc.read("k") == "new", "a later quorum read must not go back in time"
a.up = True

# Missing key on a replica is repaired too.
for x in reps:
    x._data.pop("m", None)
a._data["m"] = Versioned((5, "w9"), "only-on-a")
c.up = False
assert qc.read("m") == "only-on-a"
assert raw(b, "m").value == "only-on-a"
c.up = True

# One replica down: reads and writes still succeed.
b.up = False
qc.write("x", 1, "w1")
assert qc.read("x") == 1
# Two replicas down: both fail fast with QuorumError.
c.up = False
t0 = time.monotonic()
expect(QuorumError, qc.read, "x")
expect(QuorumError, qc.write, "x", 2, "w1")
assert time.monotonic() - t0 < 0.5, "failures should not wait for the timeout"
b.up = c.up = True

# A failed write is not rolled back and can surface later.
class FlakyPut(Replica):
    put_fails = False

    def put(self, key, item):
        if self.put_fails:
            raise OSError("write rejected")
        return super().put(key, item)


pa, pb, pc = Replica("PA"), FlakyPut("PB"), FlakyPut("PC")
pq = QuorumClient([pa, pb, pc], r=2, w=2, timeout=0.3)
pq.write("f", "before", "w1")
pb.put_fails = pc.put_fails = True
expect(QuorumError, pq.write, "f", "after", "w2")
assert raw(pa, "f").value == "after", "the partial write stays on PA"
pb.put_fails = pc.put_fails = False
pc.up = False
assert pq.read("f") == "after", "a failed write can surface through read repair"
assert raw(pb, "f").value == "after"
pc.up = True
pq.close()

# Slow replicas: answer once R respond; QuorumError after the timeout if not.
s1, s2, s3 = SlowReplica("S1"), SlowReplica("S2"), SlowReplica("S3")
sq = QuorumClient([s1, s2, s3], r=2, w=2, timeout=1.0)
sq.write("k", "v", "w1")
s3.gate.clear()
t0 = time.monotonic()
assert sq.read("k") == "v"
assert time.monotonic() - t0 < 0.5, "must not wait for the slow replica"
s2.gate.clear()
t0 = time.monotonic()
expect(QuorumError, sq.read, "k")
elapsed = time.monotonic() - t0
assert 0.9 <= elapsed < 2.5, elapsed
s2.gate.set()
# Two replicas down and one hanging: quorum is impossible, so fail at once.
s1.up = s2.up = False
t0 = time.monotonic()
expect(QuorumError, sq.read, "k")
assert time.monotonic() - t0 < 0.5, "must not wait for a replica that cannot help"
s1.up = s2.up = True
s3.gate.set()
sq.close()

# Read repair that cannot reach W raises instead of returning unsafely.
fa, fb, fc = Replica("FA"), FlakyPut("FB"), FlakyPut("FC")
for x in (fa, fb, fc):
    x._data["z"] = Versioned((1, "w1"), "old")
fa._data["z"] = Versioned((2, "w1"), "new")
fb.put_fails = fc.put_fails = True
fq = QuorumClient([fa, fb, fc], r=3, w=2, timeout=0.3)
expect(QuorumError, fq.read, "z")
fq.close()

# Newest already on W responders: the read returns at once and the stale
# responder is still repaired (in the background).
ga, gb, gc = Replica("GA"), Replica("GB"), Replica("GC")
for x in (ga, gb):
    x._data["y"] = Versioned((4, "w2"), "fresh")
gc._data["y"] = Versioned((3, "w1"), "stale")
gq = QuorumClient([ga, gb, gc], r=3, w=2, timeout=1.0)
assert gq.read("y") == "fresh"
deadline = time.monotonic() + 2.0
while raw(gc, "y").value != "fresh" and time.monotonic() < deadline:
    time.sleep(0.01)
assert raw(gc, "y").value == "fresh", "stale responder must be repaired"
gq.close()

# Older versions never overwrite newer ones on a replica.
a.put("o", Versioned((3, "w1"), "three"))
a.put("o", Versioned((2, "w9"), "two"))
assert raw(a, "o").value == "three"

# Concurrent writers: all replicas converge to the max version after reads.
errors = []


def writer(i):
    try:
        for j in range(20):
            qc.write("hot", (i, j), f"w{i}")
    except Exception as e:  # noqa: BLE001
        errors.append(e)


ths = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
for t in ths:
    t.start()
for t in ths:
    t.join()
assert not errors, errors
final = qc.read("hot")
items = [raw(x, "hot") for x in reps]
top = max(items, key=lambda v: v.version)
assert final == top.value, (final, top)
assert top.version[0] >= 20, "each write must get a higher counter than it read"
assert sum(v == top for v in items) >= 2, "newest must be on W replicas after a read"
qc.close()
print("quorum checks passed")
