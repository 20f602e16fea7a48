import random
import time
from collections import deque

from answer import find_cycle


def brute_has_cycle(graph):
    for s in graph:
        seen = set()
        q = deque(graph.get(s, ()))
        while q:
            x = q.popleft()
            if x == s:
                return True
            if x in seen:
                continue
            seen.add(x)
            q.extend(graph.get(x, ()))
    return False


def check(graph, cyc):
    assert cyc, "empty cycle"
    assert len(set(cyc)) == len(cyc), f"repeated node in {cyc}"
    for a, b in zip(cyc, cyc[1:] + cyc[:1]):
        assert b in graph.get(a, ()), f"missing edge {a}->{b} in {cyc}"


assert find_cycle({}) is None
assert find_cycle({"a": []}) is None
assert find_cycle({"a": ["a"]}) == ["a"]
assert find_cycle({"a": ["b", "c"], "b": ["d"], "c": ["d"]}) is None, "diamond is not a cycle"
assert find_cycle({"a": ["b"], "b": ["zz"]}) is None, "callee-only node"
c = find_cycle({"x": ["y"], "y": [], "a": ["b"], "b": ["c"], "c": ["a"]})
check({"x": ["y"], "y": [], "a": ["b"], "b": ["c"], "c": ["a"]}, c)
assert sorted(c) == ["a", "b", "c"]

rng = random.Random(2718)
for trial in range(3000):
    n = rng.randint(1, 8)
    graph = {i: [] for i in range(n) if rng.random() < 0.9}
    for _ in range(rng.randint(0, 12)):
        a, b = rng.randrange(n), rng.randrange(n)
        graph.setdefault(a, []).append(b)
    cyc = find_cycle(graph)
    if brute_has_cycle(graph):
        assert cyc is not None, graph
        check(graph, cyc)
    else:
        assert cyc is None, (graph, cyc)

n = 100_000
chain = {i: [i + 1] for i in range(n - 1)}
t = time.perf_counter()
assert find_cycle(chain) is None
chain[n - 1] = [0]
cyc = find_cycle(chain)
elapsed = time.perf_counter() - t
assert cyc is not None and len(cyc) == n
check(chain, cyc)
assert elapsed < 6.0, f"too slow: {elapsed:.2f}s"
print("cycle detection checks passed")
