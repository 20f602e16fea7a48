import random
import time

from answer import first_bracket_error


def reduce(s):
    s = "".join(ch for ch in s if ch in "()[]{}")
    prev = None
    while prev != s:
        prev = s
        s = s.replace("()", "").replace("[]", "").replace("{}", "")
    return s


def oracle(s):
    for i in range(len(s)):
        if s[i] in ")]}" and any(ch in ")]}" for ch in reduce(s[: i + 1])):
            return i
    if reduce(s) == "":
        return None
    return max(p for p in range(len(s)) if s[p] in "([{" and reduce(s[:p]) == "")


assert first_bracket_error("") is None
assert first_bracket_error("no brackets here") is None
assert first_bracket_error("{a: [1, (2)]}") is None
assert first_bracket_error(")")[0] == 0
assert "unexpected" in first_bracket_error("x)")[1]
assert first_bracket_error("([)]")[0] == 2
assert "never closed" in first_bracket_error("(()")[1] and first_bracket_error("(()")[0] == 0
assert first_bracket_error("()((")[0] == 2
assert first_bracket_error("é(ü]")[0] == 3

rng = random.Random(123)
for trial in range(5000):
    s = "".join(rng.choice("()[]{}x") for _ in range(rng.randint(0, 12)))
    got = first_bracket_error(s)
    exp = oracle(s)
    assert (got[0] if got else None) == exp, (s, got, exp)

n = 100_000
deep = "(" * n + ")" * n
t = time.perf_counter()
assert first_bracket_error(deep) is None
assert first_bracket_error(deep[:-1])[0] == 0
assert first_bracket_error("[" + deep + ")")[0] == 2 * n + 1
elapsed = time.perf_counter() - t
assert elapsed < 4.0, f"too slow: {elapsed:.2f}s"
print("bracket checks passed")
