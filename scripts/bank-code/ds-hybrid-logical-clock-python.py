import random
import threading

from answer import ClockOffsetError, HLCTimestamp, HybridLogicalClock


class FakeWall:
    def __init__(self, ms):
        self.ms = ms

    def __call__(self):
        return self.ms


def expect(exc, fn, *args):
    try:
        fn(*args)
    except exc:
        return
    raise AssertionError(f"expected {exc.__name__}")


# Local events follow physical time when it advances.
wa = FakeWall(1_000)
a = HybridLogicalClock(wa)
t1 = a.now()
assert t1 == HLCTimestamp(1_000, 0)
t2 = a.now()  # same millisecond
assert t2 == HLCTimestamp(1_000, 1) and t2 > t1
wa.ms = 1_005
assert a.now() == HLCTimestamp(1_005, 0)

# Physical clock steps backwards: timestamps still increase.
wa.ms = 900
t3 = a.now()
t4 = a.now()
assert t3 > HLCTimestamp(1_005, 0) and t4 > t3 and t3.wall_ms == 1_005

# Causality across nodes: B's clock is 200 ms behind A's.
wa.ms = 2_000
wb = FakeWall(1_800)
b = HybridLogicalClock(wb)
send = a.now()
recv = b.update(send)
assert recv > send, "receive must be ordered after send"
assert recv.wall_ms == 2_000 and recv.logical == send.logical + 1
local_after = b.now()
assert local_after > recv
reply = b.now()
back = a.update(reply)
assert back > reply and back > send

# All three equal: max(logical) + 1.
wc = FakeWall(3_000)
c = HybridLogicalClock(wc)
c.now(); c.now(); c.now()  # c is at (3000, 2)
got = c.update(HLCTimestamp(3_000, 7))
assert got == HLCTimestamp(3_000, 8), got
got = c.update(HLCTimestamp(3_000, 1))
assert got == HLCTimestamp(3_000, 9), got
wc.ms = 3_010
assert c.update(HLCTimestamp(3_000, 50)) == HLCTimestamp(3_010, 0)

# Remote too far ahead: rejected, and the clock state is unchanged.
wd = FakeWall(10_000)
d = HybridLogicalClock(wd, max_offset_ms=500)
before = d.now()
expect(ClockOffsetError, d.update, HLCTimestamp(10_501, 0))
after = d.now()
assert after.wall_ms == 10_000 and after > before
ok = d.update(HLCTimestamp(10_400, 3))  # within bound: accepted
assert ok == HLCTimestamp(10_400, 4)
assert ok.wall_ms - wd.ms <= 500

# Logical counter overflow borrows the next millisecond, still increasing.
we = FakeWall(50_000)
e = HybridLogicalClock(we)
prev = e.now()
for _ in range(70_000):
    cur = e.now()
    assert cur > prev
    prev = cur
assert prev.wall_ms == 50_001

# Bad input.
for bad in ((-1, 0), (0, -1), (1.5, 0), ("1", 0), (0, 1 << 16), (1 << 48, 0), (True, 0)):
    expect(ValueError, HLCTimestamp, *bad)
expect(TypeError, d.update, (10_000, 1))
expect(ValueError, HLCTimestamp.unpack, -1)
expect(ValueError, HLCTimestamp.unpack, 1 << 64)

# pack/unpack round-trips and preserves order.
random.seed(3)
stamps = [HLCTimestamp(random.randrange(1 << 48), random.randrange(1 << 16)) for _ in range(2_000)]
for s in stamps:
    assert HLCTimestamp.unpack(s.pack()) == s
    assert 0 <= s.pack() < 1 << 64
assert sorted(stamps) == sorted(stamps, key=HLCTimestamp.pack)

# Thread safety: concurrent now() calls never return duplicates.
wf = FakeWall(7_000)
f = HybridLogicalClock(wf)
seen, mu = [], threading.Lock()


def spin():
    local = [f.now() for _ in range(3_000)]
    assert local == sorted(local) and len(set(local)) == len(local)
    with mu:
        seen.extend(local)


ths = [threading.Thread(target=spin) for _ in range(8)]
for t in ths:
    t.start()
for t in ths:
    t.join()
assert len(set(seen)) == len(seen) == 24_000

# Default clock works with real time.
g = HybridLogicalClock()
x, y = g.now(), g.now()
assert y > x
print("hlc checks passed")
