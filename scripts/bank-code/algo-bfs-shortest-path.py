import random
import time

from answer import shortest_path

INF = float("inf")


def oracle_dist(edges, src, nodes):
    dist = {n: INF for n in nodes}
    dist[src] = 0
    changed = True
    while changed:
        changed = False
        for a, b in edges:
            for x, y in ((a, b), (b, a)):
                if dist[x] + 1 < dist[y]:
                    dist[y] = dist[x] + 1
                    changed = True
    return dist


def check_path(edges, src, dst, path, expected_len):
    adj = {frozenset(e) for e in edges} | {frozenset((a,)) for a, b in edges if a == b}
    assert path[0] == src and path[-1] == dst, path
    assert len(path) - 1 == expected_len, (path, expected_len)
    for x, y in zip(path, path[1:]):
        assert frozenset((x, y)) in adj, f"no edge {x}-{y}"


assert shortest_path([], "a", "a") == ["a"]
assert shortest_path([], "a", "b") is None
assert shortest_path([("a", "b")], "a", "zz") is None
assert shortest_path([("a", "b"), ("b", "c"), ("a", "c")], "a", "c") == ["a", "c"]
assert shortest_path([("a", "a"), ("a", "b"), ("a", "b")], "a", "b") == ["a", "b"]
assert shortest_path([("a", "b"), ("c", "d")], "a", "d") is None

rng = random.Random(8)
for trial in range(1500):
    n = rng.randint(1, 10)
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 15))]
    src, dst = rng.randrange(n), rng.randrange(n)
    dist = oracle_dist(edges, src, range(n))
    path = shortest_path(edges, src, dst)
    if dist[dst] == INF:
        assert path is None, (edges, src, dst, path)
    else:
        check_path(edges, src, dst, path, dist[dst])

# Large: a 10^5-node path graph plus random chords, no recursion.
n = 100_000
edges = [(i, i + 1) for i in range(n - 1)]
t = time.perf_counter()
path = shortest_path(edges, 0, n - 1)
elapsed = time.perf_counter() - t
assert path == list(range(n))
assert elapsed < 5.0, f"too slow: {elapsed:.2f}s"
# Dense-ish graph: 10^5 nodes, 3*10^5 edges.
edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(300_000)]
t = time.perf_counter()
shortest_path(edges, 0, n - 1)
assert time.perf_counter() - t < 10.0
print("bfs checks passed")
