import random
import time
from collections import defaultdict, deque

from answer import DisjointSet


def components(nodes, links):
    adj = defaultdict(set)
    for a, b in links:
        adj[a].add(b)
        adj[b].add(a)
    comp = {}
    for s in nodes:
        if s in comp:
            continue
        comp[s] = s
        q = deque([s])
        while q:
            x = q.popleft()
            for y in adj[x]:
                if y not in comp:
                    comp[y] = s
                    q.append(y)
    return comp


d = DisjointSet()
assert d.groups == 0
assert d.connected("a", "a") and not d.connected("a", "b")
assert d.groups == 0, "queries must not add hosts"
try:
    d.find("nope")
    raise AssertionError("find of unknown host")
except KeyError:
    pass
assert d.union("a", "b") is True
assert d.union("b", "a") is False
assert d.union("c", "c") is False and d.groups == 2
assert d.connected("a", "b") and not d.connected("a", "c")
assert d.group_size("a") == 2 and d.group_size("c") == 1

rng = random.Random(3)
for trial in range(400):
    d = DisjointSet()
    nodes, links = set(), []
    for step in range(rng.randint(0, 60)):
        a, b = f"h{rng.randint(0, 29)}", f"h{rng.randint(0, 29)}"
        if rng.random() < 0.5:
            nodes |= {a, b}
            links.append((a, b))
            d.union(a, b)
        else:
            comp = components(nodes, links)
            expected = (a == b) if (a not in comp or b not in comp) else comp[a] == comp[b]
            assert d.connected(a, b) == expected
    comp = components(nodes, links)
    assert d.groups == len(set(comp.values()))
    for x in nodes:
        assert d.group_size(x) == sum(1 for y in nodes if comp[y] == comp[x])

# Long chain built so naive linking (no union by size) would be deep.
d = DisjointSet()
n = 100_000
for i in range(1, n):
    d.union(i, 0) if i % 2 else d.union(0, i)
assert d.groups == 1 and d.group_size(n - 1) == n

# Union by size keeps trees shallow even before compression: merge a new
# singleton with the big group each time, in the order that would make a
# naive implementation hang the big tree under the singleton.
def max_depth(ds):
    parent = ds._parent
    best = 0
    for x in parent:
        depth = 0
        while parent[x] != x:
            x = parent[x]
            depth += 1
        best = max(best, depth)
    return best


d = DisjointSet()
for i in range(1, 2000):
    d.union(i, 0)
assert max_depth(d) <= 11, f"trees too deep: {max_depth(d)}"
d = DisjointSet()
for i in range(3000):
    d.union(rng.randrange(3000), rng.randrange(3000))
assert max_depth(d) <= 12

d = DisjointSet()
ops = [(rng.randrange(100_000), rng.randrange(100_000)) for _ in range(100_000)]
t = time.perf_counter()
for a, b in ops:
    d.union(a, b)
for a, b in ops:
    d.connected(b, a)
elapsed = time.perf_counter() - t
assert elapsed < 8.0, f"too slow: {elapsed:.2f}s"
print("union-find checks passed")
