import random
import time

from answer import assign_rooms


def depth(meetings):
    if not meetings:
        return 0
    lo = min(s for s, _ in meetings)
    hi = max(e for _, e in meetings)
    return max(sum(1 for s, e in meetings if s <= t < e) for t in range(lo, hi))


def valid(meetings, rooms, assignment):
    assert len(assignment) == len(meetings)
    assert all(0 <= r < rooms for r in assignment)
    for i in range(len(meetings)):
        for j in range(i + 1, len(meetings)):
            if assignment[i] == assignment[j]:
                (a, b), (c, d) = meetings[i], meetings[j]
                assert b <= c or d <= a, f"overlap in room {assignment[i]}: {meetings[i]} {meetings[j]}"


def expect_value_error(m):
    try:
        assign_rooms(m)
    except ValueError:
        return
    raise AssertionError(f"expected ValueError for {m}")


assert assign_rooms([]) == (0, [])
assert assign_rooms([(9, 10), (10, 11), (11, 12)])[0] == 1, "back-to-back share a room"
assert assign_rooms([(1, 5)] * 4)[0] == 4, "identical meetings"
assert assign_rooms([(1, 10), (2, 3), (4, 5), (6, 7)])[0] == 2, "nested"
expect_value_error([(3, 3)])
expect_value_error([(1, 2), (5, 4)])

rng = random.Random(2024)
for trial in range(3000):
    ms = []
    for _ in range(rng.randint(0, 10)):
        s = rng.randint(0, 20)
        ms.append((s, s + rng.randint(1, 6)))
    rooms, assignment = assign_rooms(ms)
    assert rooms == depth(ms), (ms, rooms)
    valid(ms, rooms, assignment)

big = []
for _ in range(100_000):
    s = rng.randint(0, 10**6)
    big.append((s, s + rng.randint(1, 500)))
t = time.perf_counter()
rooms, assignment = assign_rooms(big)
elapsed = time.perf_counter() - t
# Sweep-line oracle for the big case: ends before starts at equal times.
events = sorted([(s, 1) for s, _ in big] + [(e, -1) for _, e in big], key=lambda x: (x[0], x[1]))
cur = best = 0
for _, d in events:
    cur += d
    best = max(best, cur)
assert rooms == best
assert elapsed < 8.0, f"too slow: {elapsed:.2f}s"
print("meeting room checks passed")
