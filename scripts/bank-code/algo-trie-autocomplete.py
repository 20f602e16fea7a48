import random
import time
from collections import Counter

from answer import Autocomplete


def expect_value_error(fn, *args):
    try:
        fn(*args)
    except ValueError:
        return
    raise AssertionError(f"expected ValueError from {fn.__name__}{args}")


def brute(counts, prefix, k):
    m = [(q, c) for q, c in counts.items() if q.startswith(prefix)]
    return sorted(m, key=lambda t: (-t[1], t[0]))[:k]


ac = Autocomplete()
assert ac.suggest("", 5) == [] and ac.suggest("x", 5) == []
ac.record("New York")
ac.record("new  york ")
ac.record("newark")
ac.record("new")
ac.record("news", 2)
assert ac.suggest("new", 10) == [("new york", 2), ("news", 2), ("new", 1), ("newark", 1)]
assert ac.suggest("NEW ", 10) == [("new york", 2)], "trailing space must narrow the prefix"
assert ac.suggest("new", 1) == [("new york", 2)]
assert ac.suggest("new", 0) == []
assert ac.suggest("newark", 3) == [("newark", 1)], "prefix equal to a whole query"
assert ac.suggest("zzz", 3) == []
assert ac.suggest("", 2) == [("new york", 2), ("news", 2)]
expect_value_error(ac.record, "   ")
expect_value_error(ac.record, "", 1)
expect_value_error(ac.record, "a", 0)
expect_value_error(ac.suggest, "a", -1)

rng = random.Random(55)
for trial in range(200):
    ac = Autocomplete()
    counts = Counter()
    for _ in range(rng.randint(0, 40)):
        q = "".join(rng.choice("ab c") for _ in range(rng.randint(1, 5)))
        norm = " ".join(q.lower().split())
        if not norm:
            continue
        n = rng.randint(1, 3)
        ac.record(q, n)
        counts[norm] += n
    for _ in range(10):
        p = "".join(rng.choice("ab") for _ in range(rng.randint(0, 3)))
        k = rng.randint(0, 6)
        assert ac.suggest(p, k) == brute(counts, p, k), (counts, p, k)

# Deep query: no recursion limit.
ac = Autocomplete()
ac.record("x" * 5000)
assert ac.suggest("x", 1) == [("x" * 5000, 1)]

ac = Autocomplete()
words = ["".join(rng.choice("abcdefghij") for _ in range(rng.randint(3, 10))) for _ in range(100_000)]
t = time.perf_counter()
for w in words:
    ac.record(w)
for i in range(1000):
    ac.suggest(words[i][:4], 10)
elapsed = time.perf_counter() - t
assert elapsed < 15.0, f"too slow: {elapsed:.2f}s"
print("autocomplete checks passed")
