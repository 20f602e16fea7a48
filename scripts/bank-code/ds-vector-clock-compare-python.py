import random

from answer import Order, compare, increment, merge, new_version, reconcile


def expect(exc, fn, *args):
    try:
        fn(*args)
    except exc:
        return
    raise AssertionError(f"expected {exc.__name__} for {args}")


# The four outcomes, including missing and explicit-zero entries.
assert compare({}, {}) is Order.EQUAL
assert compare({"a": 1}, {"a": 1, "b": 0}) is Order.EQUAL
assert compare({"a": 1}, {"a": 2}) is Order.BEFORE
assert compare({"a": 2}, {"a": 1}) is Order.AFTER
assert compare({"a": 1}, {"a": 1, "b": 1}) is Order.BEFORE
assert compare({"a": 2, "b": 1}, {"a": 1, "b": 2}) is Order.CONCURRENT
assert compare({"a": 1}, {"b": 1}) is Order.CONCURRENT
assert compare({}, {"x": 3}) is Order.BEFORE

# increment is a strict successor and does not mutate its input.
base = {"a": 1}
nxt = increment(base, "b")
assert base == {"a": 1} and nxt == {"a": 1, "b": 1}
assert compare(base, nxt) is Order.BEFORE

# merge is an upper bound; commutative, associative, idempotent.
random.seed(11)
nodes = ["a", "b", "c", "d"]


def rand_vc():
    return {n: random.randrange(4) for n in random.sample(nodes, random.randrange(5))}


for _ in range(2_000):
    x, y, z = rand_vc(), rand_vc(), rand_vc()
    m = merge(x, y)
    assert compare(x, m) in (Order.BEFORE, Order.EQUAL)
    assert compare(y, m) in (Order.BEFORE, Order.EQUAL)
    assert compare(merge(x, y), merge(y, x)) is Order.EQUAL
    assert compare(merge(merge(x, y), z), merge(x, merge(y, z))) is Order.EQUAL
    assert compare(merge(x, x), x) is Order.EQUAL
    # Antisymmetry of the outcomes.
    flip = {Order.BEFORE: Order.AFTER, Order.AFTER: Order.BEFORE,
            Order.EQUAL: Order.EQUAL, Order.CONCURRENT: Order.CONCURRENT}
    assert compare(y, x) is flip[compare(x, y)]

# Dynamo-style cart: two clients write from the same context via different nodes.
v1 = new_version([], "sx")                       # {sx:1}
v2 = new_version([v1], "sx")                     # {sx:2}
left = new_version([v2], "sy")                   # {sx:2, sy:1}
right = new_version([v2], "sz")                  # {sx:2, sz:1}
stored = [(v1, ["book"]), (v2, ["book", "pen"]),
          (left, ["book", "pen", "ink"]), (right, ["book"]), (right, ["book"])]
siblings = reconcile(stored)
assert [v for _, v in siblings] == [["book", "pen", "ink"], ["book"]], siblings
# The client merges the siblings and writes back with both clocks as context.
merged_clock = new_version([c for c, _ in siblings], "sx")
assert merged_clock == {"sx": 3, "sy": 1, "sz": 1}
after = reconcile(stored + [(merged_clock, ["book", "pen", "ink"])])
assert after == [(merged_clock, ["book", "pen", "ink"])]
assert reconcile([]) == []
# Equal clocks held in distinct dicts (one with an explicit zero) are one version,
# and a lone concurrent version next to them survives.
dup = reconcile([({"a": 1}, "x"), ({"a": 1, "b": 0}, "x"), ({"b": 1}, "y")])
assert len(dup) == 2 and [v for _, v in dup] == ["x", "y"], dup
# reconcile and new_version do not mutate what they were given.
ctx = [{"a": 1}, {"b": 2}]
new_version(ctx, "a")
reconcile([(ctx[0], 1), (ctx[1], 2)])
assert ctx == [{"a": 1}, {"b": 2}]

# Bad input is rejected, not silently compared.
for bad in ({"a": -1}, {"a": 1.5}, {"a": "1"}, {"": 1}, {3: 1}, {"a": True}):
    expect(ValueError, compare, bad, {})
    expect(ValueError, merge, {}, bad)
    expect(ValueError, increment, bad, "a")
expect(ValueError, increment, {}, "")
print("vector clock checks passed")
