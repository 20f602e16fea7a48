"""Check for mysql-uuidv7-generator-python: exact RFC 9562 bit layout, monotonic ids
within one millisecond, counter overflow borrowing the next millisecond, a clock that
steps backwards, bad clocks, thread safety, and BINARY(16) byte order == creation order."""
import threading
import uuid

from answer import MAX_MS, UUIDv7Generator, timestamp_ms, to_binary16


def expect_raises(exc, fn, *args):
    try:
        fn(*args)
    except exc:
        return
    raise AssertionError(f"{fn.__name__}{args} did not raise {exc.__name__}")


class Clock:
    def __init__(self, ms):
        self.ms = ms

    def __call__(self):
        return self.ms


# Exact layout with fixed randomness.
clock = Clock(0x0190_1234_5678)
g = UUIDv7Generator(clock_ms=clock, randbytes=lambda n: b"\xff" * n)
u = g.new()
assert u.version == 7 and u.variant == uuid.RFC_4122
assert timestamp_ms(u) == 0x0190_1234_5678
assert (u.int >> 64) & 0xFFF == 0x7FF, "counter must start in the lower half"
assert u.int & ((1 << 62) - 1) == (1 << 62) - 1
assert str(u).startswith("01901234-5678-77ff-"), str(u)
assert len(to_binary16(u)) == 16 and to_binary16(u) == u.bytes

# Many ids in the same millisecond: strictly increasing, then borrow the next ms.
clock = Clock(1_700_000_000_000)
g = UUIDv7Generator(clock_ms=clock, randbytes=lambda n: b"\x00" * n)
ids = [g.new() for _ in range(5000)]
assert all(a < b for a, b in zip(ids, ids[1:])), "not monotonic within one ms"
assert len(set(ids)) == len(ids)
stamps = [timestamp_ms(x) for x in ids]
assert stamps[0] == clock.ms and stamps[4095] == clock.ms
assert stamps[4096] == clock.ms + 1, "counter overflow must advance the timestamp"
assert all(x.version == 7 and x.variant == uuid.RFC_4122 for x in ids)

# When the real clock catches up, ids stay ahead of the borrowed ones.
clock.ms += 1
later = g.new()
assert later > ids[-1]
clock.ms += 10
assert timestamp_ms(g.new()) == clock.ms

# Clock steps backwards by 5 seconds: never emit a smaller id.
clock = Clock(2_000_000_000_000)
g = UUIDv7Generator(clock_ms=clock)
a = g.new()
clock.ms -= 5000
b = g.new()
c = g.new()
assert a < b < c, "clock going backwards produced a smaller id"
assert timestamp_ms(b) == timestamp_ms(a)

# BINARY(16) ordering (memcmp, as InnoDB compares it) equals generation order.
clock = Clock(1_000)
g = UUIDv7Generator(clock_ms=clock)
seq = []
for i in range(300):
    if i % 7 == 0:
        clock.ms += 1
    seq.append(to_binary16(g.new()))
assert sorted(seq) == seq

# Two generators in the same ms: distinct ids thanks to random bits.
clock = Clock(5_000)
g1, g2 = UUIDv7Generator(clock_ms=clock), UUIDv7Generator(clock_ms=clock)
assert len({g1.new() for _ in range(100)} | {g2.new() for _ in range(100)}) == 200

# Bad clocks and non-v7 input.
for bad in (-1, MAX_MS + 1, 1.5, None):
    expect_raises(ValueError, UUIDv7Generator(clock_ms=lambda v=bad: v).new)
expect_raises(ValueError, timestamp_ms, uuid.uuid4())
g = UUIDv7Generator(clock_ms=lambda: MAX_MS, randbytes=lambda n: b"\x00" * n)
expect_raises(OverflowError, lambda: [g.new() for _ in range(5000)])

# Thread safety on the real clock: unique, and monotonic within each thread.
g = UUIDv7Generator()
out = [[] for _ in range(8)]


def work(bucket):
    for _ in range(2000):
        bucket.append(g.new())


threads = [threading.Thread(target=work, args=(b,)) for b in out]
for t in threads:
    t.start()
for t in threads:
    t.join()
flat = [x for b in out for x in b]
assert len(set(flat)) == len(flat) == 16000
assert all(all(x < y for x, y in zip(b, b[1:])) for b in out)
print("mysql-uuidv7-generator-python: ok")
