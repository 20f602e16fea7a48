import math
import random

from answer import TumblingWindowAggregator as T

# worked example: 60 s windows, 10 s out-of-orderness, 30 s allowed lateness (ms)
agg = T(60_000, 10_000, 30_000)
assert agg.process("ad1", 5_000, 1) == []
assert agg.process("ad1", 59_999, 1) == []
assert agg.process("ad1", 65_000, 1) == []            # watermark 55 s: window 0-60 s still open
assert agg.process("ad1", 50_000, 1) == []            # out of order but on time
out = agg.process("ad2", 70_000, 1)                   # watermark 60 s: window [0, 60 s) fires
assert out == [("final", "ad1", 0, 60_000, 3, 3)], out
out = agg.process("ad1", 20_000, 1)                   # late, within lateness: update
assert out == [("update", "ad1", 0, 60_000, 4, 4)], out
assert agg.process("ad1", 95_000, 1) == []            # watermark 85 s < 60 + 30
out = agg.process("ad1", 100_000, 1)                  # watermark 90 s: window 0-60 purged
assert out == [] and ("ad1", 0) not in agg.windows, agg.windows
assert agg.process("ad1", 30_000, 7) == [] and agg.late == [("ad1", 30_000, 7)]
assert agg.process("ad1", 40_000, 1) == [] and len(agg.late) == 2
# watermark never moves back
wm = agg.watermark
agg.process("ad3", 61_000, 1)
assert agg.watermark == wm
# idle source: timer advances watermark and closes windows without events
out = agg.advance_watermark(200_000)
assert ("final", "ad1", 60_000, 120_000, 3, 3) in out and ("final", "ad2", 60_000, 120_000, 1, 1) in out, out
assert all(o[0] == "final" for o in out)
assert agg.close() == [] and agg.windows == {}

# lateness 0: nothing is ever updated, late events dropped as soon as the window fired
a0 = T(10, 0)
assert a0.process("k", 3, 1) == []
assert a0.process("k", 10, 1) == [("final", "k", 0, 10, 1, 1)]
assert a0.process("k", 9, 1) == [] and a0.late == [("k", 9, 1)]

# a late event that opens a new window within allowed lateness fires it at once
al = T(10, 0, 20)
al.process("k", 25, 1)                                   # watermark 25
assert al.process("j", 5, 4) == [("final", "j", 0, 10, 4, 1)]
assert al.process("j", 6, 1) == [("update", "j", 0, 10, 5, 2)]
assert al.advance_watermark(29) == []
assert al.advance_watermark(30) == [("final", "k", 20, 30, 1, 1)]

# negative timestamps floor correctly
an = T(10, 0)
an.process("k", -3, 2)
assert ("k", -10) in an.windows

# bad input
for bad in [lambda: T(0, 1), lambda: T(10, -1), lambda: T(10, 1, -1), lambda: T(1.5, 0)]:
    try:
        bad()
        raise AssertionError("accepted a bad configuration")
    except ValueError:
        pass
for args in [("k", 1.5, 1), ("k", True, 1), ("k", "10", 1), ("k", 1, "x"), ("k", 1, float("nan"))]:
    try:
        T(10, 1).process(*args)
        raise AssertionError(f"accepted {args}")
    except TypeError:
        pass


# randomized comparison with an oracle
def oracle(events, size, bound, lateness):
    wm = -math.inf
    accepted, dropped = {}, []
    for k, ts, v in events:
        start = ts - ts % size
        if start + size + lateness <= wm:
            dropped.append((k, ts, v))
        else:
            s = accepted.setdefault((k, start), [0, 0])
            s[0] += v
            s[1] += 1
        wm = max(wm, ts - bound)
    return accepted, dropped


rng = random.Random(11)
for trial in range(400):
    size, bound, lateness = rng.randint(1, 20), rng.randint(0, 15), rng.randint(0, 25)
    t, events = 0, []
    for _ in range(rng.randint(0, 120)):
        t += rng.randint(0, 6)
        events.append((rng.choice("abc"), t - rng.randint(0, 40), rng.randint(-5, 9)))
    agg = T(size, bound, lateness)
    emitted = []
    for k, ts, v in events:
        batch = agg.process(k, ts, v)
        fin = [o[3] for o in batch if o[0] == "final"]
        assert fin == sorted(fin), "finals of one advance out of window-end order"
        emitted.extend(batch)
        # no state survives past end + lateness
        assert all(s + size + lateness > agg.watermark for (_, s) in agg.windows), trial
    emitted.extend(agg.close())
    accepted, dropped = oracle(events, size, bound, lateness)
    assert agg.late == dropped, trial
    last, finals = {}, {}
    for kind, k, s, e, total, count in emitted:
        assert e == s + size
        if kind == "final":
            finals[(k, s)] = finals.get((k, s), 0) + 1
        else:
            assert (k, s) in finals, "update before final"
        last[(k, s)] = [total, count]
    assert all(n == 1 for n in finals.values()), "window fired twice"
    assert set(finals) == set(accepted)
    assert last == accepted, trial
    assert agg.windows == {}
print("window checks passed")
