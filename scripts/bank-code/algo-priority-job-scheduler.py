import random
import time

from answer import Job, schedule


def oracle(jobs, m):
    # Tick-by-tick simulation over integer time.
    finish_at = {}  # worker -> finish time of its running job
    result = {}
    waiting = []
    pending = list(jobs)
    t = 0
    while len(result) < len(jobs):
        for w in [w for w, f in finish_at.items() if f <= t]:
            del finish_at[w]
        waiting += [j for j in pending if j.arrival <= t]
        pending = [j for j in pending if j.arrival > t]
        waiting.sort(key=lambda j: (j.priority, j.arrival, j.id))
        free = sorted(set(range(m)) - set(finish_at))
        while waiting and free:
            j = waiting.pop(0)
            w = free.pop(0)
            finish_at[w] = t + j.duration
            result[j.id] = (t, t + j.duration, w)
        t += 1
    return result


def expect_value_error(jobs, m):
    try:
        schedule(jobs, m)
    except ValueError:
        return
    raise AssertionError(f"expected ValueError for {jobs}, {m}")


assert schedule([], 3) == {}
# Urgent job arriving at the instant a worker frees up wins over an older waiting job.
jobs = [Job(1, 0, 5, 5), Job(2, 1, 3, 9), Job(3, 5, 2, 1)]
assert schedule(jobs, 1) == {1: (0, 5, 0), 3: (5, 7, 0), 2: (7, 10, 0)}
# Idle gap: the worker waits for the next arrival.
assert schedule([Job(1, 0, 1, 0), Job(2, 10, 1, 0)], 1) == {1: (0, 1, 0), 2: (10, 11, 0)}
# More workers than jobs; lowest free worker id used.
assert schedule([Job(7, 0, 4, 0), Job(8, 0, 4, 0)], 5) == {7: (0, 4, 0), 8: (0, 4, 1)}
# Ties on priority: earlier arrival, then lower id.
assert schedule([Job(2, 0, 1, 1), Job(1, 0, 1, 1), Job(0, 1, 1, 1)], 1) == {1: (0, 1, 0), 2: (1, 2, 0), 0: (2, 3, 0)}
expect_value_error([Job(1, 0, 1, 0)], 0)
expect_value_error([Job(1, 0, 1, 0), Job(1, 2, 1, 0)], 1)
expect_value_error([Job(1, 0, 0, 0)], 1)
expect_value_error([Job(1, -1, 1, 0)], 1)

rng = random.Random(99)
for trial in range(3000):
    n = rng.randint(0, 9)
    ids = rng.sample(range(100), n)
    jobs = [Job(ids[i], rng.randint(0, 12), rng.randint(1, 5), rng.randint(0, 3)) for i in range(n)]
    m = rng.randint(1, 4)
    assert schedule(jobs, m) == oracle(jobs, m), (jobs, m)

# Large: 10^5 jobs on 8 workers.
jobs = [Job(i, rng.randint(0, 10**6), rng.randint(1, 100), rng.randint(0, 9)) for i in range(100_000)]
t = time.perf_counter()
res = schedule(jobs, 8)
elapsed = time.perf_counter() - t
assert len(res) == 100_000
# Sanity: no worker runs two jobs at once.
by_worker = {}
for s, f, w in res.values():
    by_worker.setdefault(w, []).append((s, f))
for spans in by_worker.values():
    spans.sort()
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
assert elapsed < 10.0, f"too slow: {elapsed:.2f}s"
print("scheduler checks passed")
