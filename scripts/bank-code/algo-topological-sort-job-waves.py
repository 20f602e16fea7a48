import graphlib
import random
import time
from functools import lru_cache

from answer import CycleError, plan_waves


def expected_waves(jobs, deps):
    preds = {j: set() for j in jobs}
    for a, b in deps:
        preds[b].add(a)

    @lru_cache(maxsize=None)
    def level(j):
        return 0 if not preds[j] else 1 + max(level(p) for p in preds[j])

    out = {}
    for j in jobs:
        out.setdefault(level(j), []).append(j)
    return [sorted(out[k]) for k in sorted(out)]


def has_cycle(jobs, deps):
    ts = graphlib.TopologicalSorter({j: set() for j in jobs})
    for a, b in deps:
        ts.add(b, a)
    try:
        ts.prepare()
    except graphlib.CycleError:
        return True
    return False


def check_cycle(err, deps):
    edges = set(deps)
    c = err.cycle
    assert c, "empty cycle"
    assert len(set(c)) == len(c), f"cycle repeats a node: {c}"
    for a, b in zip(c, c[1:] + c[:1]):
        assert (a, b) in edges, f"reported cycle uses missing edge {a}->{b}: {c}"
    assert set(c) <= err.blocked


assert plan_waves([], []) == []
assert plan_waves(["b", "a"], []) == [["a", "b"]]
assert plan_waves(["a", "b", "c"], [("a", "b"), ("a", "b"), ("b", "c")]) == [["a"], ["b"], ["c"]]
assert plan_waves(["a", "b", "c", "d"], [("a", "c"), ("b", "c"), ("a", "d")]) == [["a", "b"], ["c", "d"]]
try:
    plan_waves(["a"], [("a", "zzz")])
    raise AssertionError("unknown job accepted")
except CycleError:
    raise AssertionError("unknown job must not be a CycleError")
except ValueError:
    pass
try:
    plan_waves(["a", "b"], [("a", "a")])
    raise AssertionError("self-dependency accepted")
except CycleError as e:
    assert e.cycle == ["a"] and e.blocked == {"a"}
try:
    plan_waves(["x", "a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    raise AssertionError("cycle accepted")
except CycleError as e:
    assert e.blocked == {"a", "b", "c", "d"}, e.blocked  # d is downstream of the cycle
    check_cycle(e, [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    assert any(r in str(e) for r in ("a -> b -> c -> a", "b -> c -> a -> b", "c -> a -> b -> c")), str(e)

rng = random.Random(77)
for trial in range(2000):
    n = rng.randint(1, 9)
    jobs = [f"j{i}" for i in range(n)]
    order = jobs[:]
    rng.shuffle(order)
    deps = []
    for _ in range(rng.randint(0, 14)):
        i, k = sorted(rng.sample(range(n), 2)) if n > 1 else (0, 0)
        if i != k:
            deps.append((order[i], order[k]))
    if rng.random() < 0.5 and n > 1:  # sometimes add a back edge or self loop
        a, b = rng.randrange(n), rng.randrange(n)
        deps.append((order[max(a, b)], order[min(a, b)]))
    cyc = has_cycle(jobs, deps)
    try:
        got = plan_waves(jobs, deps)
    except CycleError as e:
        assert cyc, (jobs, deps)
        check_cycle(e, deps)
    else:
        assert not cyc, (jobs, deps)
        assert got == expected_waves(jobs, deps), (jobs, deps, got)

# Large: a 5*10^4-job chain (deep, no recursion) and a wide fan-out.
n = 50_000
jobs = [f"j{i:06d}" for i in range(n)]
deps = list(zip(jobs, jobs[1:]))
def timed(fn, *args):
    t = time.perf_counter()
    try:
        return fn(*args), None
    except CycleError as e:
        return None, e
    finally:
        elapsed = time.perf_counter() - t
        assert elapsed < 8.0, f"too slow: {elapsed:.2f}s for n={n}"


waves, _ = timed(plan_waves, jobs, deps)
assert len(waves) == n
_, err = timed(plan_waves, jobs, deps + [(jobs[-1], jobs[0])])
assert err is not None and len(err.cycle) == n, "long cycle missed"
fan, _ = timed(plan_waves, jobs, [(jobs[0], j) for j in jobs[1:]])
assert len(fan) == 2 and len(fan[1]) == n - 1
print("topological sort checks passed")
