"""Check for search-bm25-inverted-index-python: scores equal an independent BM25
computation, idf/saturation/length-normalisation behave as claimed, updates and
removals keep statistics exact (same scores as a freshly built index), and bad input,
empty queries, unknown terms, k <= 0 and ties are handled."""
import math
import random

from answer import BM25Index, analyze


def close(a, b):
    return abs(a - b) < 1e-9


def expect_raises(exc, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc:
        return
    raise AssertionError(f"{fn.__name__}{args} did not raise {exc.__name__}")


def reference(docs, query, k1=1.2, b=0.75):
    """Independent BM25 over a dict of doc_id -> text, straight from the formula."""
    toks = {d: analyze(t) for d, t in docs.items()}
    n = len(toks)
    avgdl = sum(len(t) for t in toks.values()) / n
    out = {}
    for term in set(analyze(query)):
        df = sum(1 for t in toks.values() if term in t)
        if df == 0:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for d, t in toks.items():
            tf = t.count(term)
            if tf:
                s = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(t) / avgdl))
                out[d] = out.get(d, 0.0) + s
    return out


docs = {
    "d1": "The quick brown fox jumps over the lazy dog",
    "d2": "Quick brown foxes and quick brown dogs",
    "d3": "A lazy afternoon: the dog sleeps",
    "d4": "Fox news: fox sightings near the river, a fox den found",
    "d5": "Wireless charger for phones",
}
idx = BM25Index()
for d, t in docs.items():
    idx.add(d, t)

for q in ["quick fox", "lazy dog", "fox", "wireless phone charger", "brown"]:
    got = dict(idx.search(q, k=10))
    want = reference(docs, q)
    assert set(got) == set(want), (q, got, want)
    assert all(close(got[d], want[d]) for d in want), (q, got, want)
    ranked = idx.search(q, k=10)
    assert all(a[1] >= b[1] for a, b in zip(ranked, ranked[1:]))

# Top-k truncation.
assert len(idx.search("fox dog lazy quick brown", k=2)) == 2

# Rare terms weigh more than common ones.
assert idx.idf("wireless") > idx.idf("fox") > 0
# idf stays positive for a term in every document.
every = BM25Index()
for i in range(5):
    every.add(i, "common word")
assert every.idf("common") > 0 and every.search("common")[0][1] > 0

# Term-frequency saturation: 10 occurrences score less than (k1 + 1) x one occurrence.
sat = BM25Index(b=0.0)
sat.add("one", "fox")
sat.add("ten", " ".join(["fox"] * 10))
sat.add("other", "dog")
s = dict(sat.search("fox"))
assert s["ten"] > s["one"] and s["ten"] / s["one"] < sat.k1 + 1

# Length normalisation: same tf, shorter document ranks first; b=0 disables it.
ln = BM25Index()
ln.add("short", "fox den")
ln.add("long", "fox " + " ".join(f"w{i}" for i in range(40)))
res = ln.search("fox")
assert res[0][0] == "short" and res[0][1] > res[1][1]
ln0 = BM25Index(b=0.0)
ln0.add("short", "fox den")
ln0.add("long", "fox " + " ".join(f"w{i}" for i in range(40)))
r0 = dict(ln0.search("fox"))
assert close(r0["short"], r0["long"])

# Analysis: case, punctuation, stop words; repeated query terms count once.
assert analyze("The Wi-Fi, ROUTER!") == ["wi", "fi", "router"]
assert idx.search("the and of") == [] and idx.search("") == []
assert idx.search("zebra") == []
assert dict(idx.search("fox fox FOX")) == dict(idx.search("fox"))

# Update replaces the old postings; old-only terms no longer match.
idx.add("d5", "Solar powered lantern")
assert "d5" not in dict(idx.search("wireless charger"))
assert idx.search("wireless") == [] and "wireless" not in idx.postings
assert dict(idx.search("lantern"))["d5"] > 0

# Removal keeps N, df and avgdl exact: same scores as a fresh index.
idx.remove("d4")
expect_raises(KeyError, idx.remove, "d4")
fresh = BM25Index()
current = dict(docs, d5="Solar powered lantern")
del current["d4"]
for d, t in current.items():
    fresh.add(d, t)
for q in ["fox", "quick brown dog", "lantern lazy"]:
    a, b = dict(idx.search(q)), dict(fresh.search(q))
    assert set(a) == set(b) and all(close(a[d], b[d]) for d in a), q

# Randomised: any add/update/remove history equals a fresh build.
rng = random.Random(3)
vocab = "alpha beta gamma delta epsilon zeta eta theta".split()
for _ in range(50):
    live, ix = {}, BM25Index()
    for _ in range(40):
        d = rng.randrange(8)
        if d in live and rng.random() < 0.3:
            ix.remove(d); del live[d]
        else:
            text = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 8)))
            ix.add(d, text); live[d] = text
    if not live:
        continue
    q = " ".join(rng.sample(vocab, 2))
    got = dict(ix.search(q, k=100))
    want = reference(live, q)
    assert set(got) == set(want) and all(close(got[x], want[x]) for x in want)

# Ties are broken by doc id, deterministically.
tie = BM25Index()
for d in ["c", "a", "b"]:
    tie.add(d, "same text")
assert [d for d, _ in tie.search("same")] == ["a", "b", "c"]

# Empty index and bad input.
empty = BM25Index()
assert empty.search("fox") == []
expect_raises(ValueError, idx.search, "fox", k=0)
expect_raises(ValueError, idx.search, "fox", k=-3)
expect_raises(TypeError, idx.add, "x", None)
expect_raises(TypeError, idx.search, 42)
expect_raises(ValueError, BM25Index, k1=-1)
expect_raises(ValueError, BM25Index, b=1.5)
# A failed add must not destroy the existing document.
before = dict(idx.search("lantern"))
expect_raises(TypeError, idx.add, "d5", b"bytes")
assert dict(idx.search("lantern")) == before
print("search-bm25-inverted-index-python: ok")
