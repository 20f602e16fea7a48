import math
import random
import time

from answer import lowest_latency


def bellman_ford(edges, src, nodes):
    dist = {v: math.inf for v in nodes}
    dist[src] = 0
    for _ in range(len(dist)):
        for u, v, w in edges:
            if dist[u] + w < dist[v]:
                dist[v] = dist[u] + w
    return dist


def expect_value_error(*args):
    try:
        lowest_latency(*args)
    except ValueError:
        return
    raise AssertionError(f"expected ValueError for {args}")


assert lowest_latency([], "a", "a") == (0, ["a"])
assert lowest_latency([], "a", "b") is None
assert lowest_latency([("a", "b", 1)], "b", "a") is None, "edges are directed"
assert lowest_latency([("a", "b", 10), ("a", "c", 1), ("c", "b", 2)], "a", "b") == (3, ["a", "c", "b"])
assert lowest_latency([("a", "b", 5), ("a", "b", 2)], "a", "b") == (2, ["a", "b"]), "parallel edges"
assert lowest_latency([("a", "b", 0), ("b", "c", 0)], "a", "c") == (0, ["a", "b", "c"])
# Unorderable node types mixed: ties must not compare nodes.
assert lowest_latency([(1, "x", 1), (1, (2,), 1), ("x", 9, 1), ((2,), 9, 1)], 1, 9)[0] == 2
expect_value_error([("a", "b", -1)], "a", "b")
expect_value_error([("a", "b", float("nan"))], "a", "b")

rng = random.Random(11)
for trial in range(1500):
    n = rng.randint(1, 9)
    edges = [(rng.randrange(n), rng.randrange(n), rng.randint(0, 9)) for _ in range(rng.randint(0, 20))]
    src, dst = rng.randrange(n), rng.randrange(n)
    dist = bellman_ford(edges, src, range(n))
    res = lowest_latency(edges, src, dst)
    if dist[dst] == math.inf:
        assert res is None, (edges, src, dst, res)
        continue
    cost, path = res
    assert cost == dist[dst], (edges, src, dst, res, dist[dst])
    assert path[0] == src and path[-1] == dst
    total = 0
    for u, v in zip(path, path[1:]):
        ws = [w for a, b, w in edges if a == u and b == v]
        assert ws, f"path uses missing edge {u}->{v}"
        total += min(ws)
    assert total == cost

# Stale heap entries must be skipped, not re-expanded: the hub h is improved
# k times, and each of its D targets should be touched O(1) times, not O(k).
class Counted:
    hashes = 0

    def __init__(self, name):
        self.name = name

    def __hash__(self):
        Counted.hashes += 1
        return hash(self.name)


k, D = 300, 50
targets = [Counted(f"t{j}") for j in range(D)]
edges = [("s", ("a", i), i) for i in range(1, k + 1)]
edges += [(("a", i), "h", 3 * k - 2 * i) for i in range(1, k + 1)]
edges += [("h", t, 1) for t in targets]
Counted.hashes = 0
assert lowest_latency(edges, "s", "unreachable") is None
assert Counted.hashes <= 10 * D, f"stale entries re-expanded: {Counted.hashes} hashes for {D} targets"

n = 20_000
edges = [(i, i + 1, rng.randint(1, 10)) for i in range(n - 1)]
edges += [(rng.randrange(n), rng.randrange(n), rng.randint(1, 1000)) for _ in range(80_000)]
t = time.perf_counter()
res = lowest_latency(edges, 0, n - 1)
elapsed = time.perf_counter() - t
assert res is not None
assert elapsed < 8.0, f"too slow: {elapsed:.2f}s"
print("dijkstra checks passed")
