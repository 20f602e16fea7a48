import random
import re
import time
from fractions import Fraction

from answer import ExprError, evaluate


def expect_error(expr, fragment=None):
    try:
        evaluate(expr)
    except ExprError as e:
        assert fragment is None or fragment in str(e), (expr, str(e))
        return
    raise AssertionError(f"expected ExprError for {expr!r}")


assert evaluate("1 + 2 * 3") == 7
assert evaluate("(1 + 2) * 3") == 9
assert evaluate("8 - 3 - 2") == 3, "left associative"
assert evaluate("8 / 4 / 2") == 1
assert evaluate("1 / 3 + 1 / 6") == Fraction(1, 2)
assert evaluate("-2 * 3") == -6 and evaluate("2 * -3") == -6
assert evaluate("2 - -3") == 5 and evaluate("--4") == 4
assert evaluate("-(2 + 3) * 2") == -10
assert evaluate("-3 + 2") == -1
assert evaluate("\t007 ") == 7
for bad, frag in [("", None), ("   ", None), ("1 +", None), ("+1", "position 0"), ("1 2", "position 2"),
                  ("(1", "position 0"), ("1)", "position 1"), ("()", "position 1"),
                  ("1/(2-2)", "division by zero"), ("2a", "position 1"), ("٣", None), ("2²", None),
                  ("1 * * 2", "position 4"), ("(1)(2)", None), ("9" * 31, "too long")]:
    expect_error(bad, frag)
assert isinstance(ExprError("x"), ValueError)


def gen(rng, depth):
    def factor(d):
        r = rng.random()
        if d <= 0 or r < 0.45:
            return str(rng.randint(0, 20))
        if r < 0.65:
            return "-" + rng.choice(["", " "]) + factor(d - 1)
        return "(" + expr(d - 1) + ")"

    def term(d):
        out = factor(d)
        for _ in range(rng.randint(0, 2)):
            out += rng.choice([" * ", "*", " / ", "/"]) + factor(d)
        return out

    def expr(d):
        out = term(d)
        for _ in range(rng.randint(0, 2)):
            out += rng.choice([" + ", "+", " - ", "-"]) + term(d)
        return out

    return expr(depth)


def reference(e):
    py = re.sub(r"\d+", lambda m: f"Fraction('{m.group()}')", e)
    return eval(py, {"Fraction": Fraction})


rng = random.Random(1618)
for trial in range(4000):
    e = gen(rng, rng.randint(0, 4))
    try:
        expected = reference(e)
    except ZeroDivisionError:
        expect_error(e, "division by zero")
        continue
    assert evaluate(e) == expected, (e, evaluate(e), expected)

n = 100_000
t = time.perf_counter()
assert evaluate("(" * n + "7" + ")" * n) == 7
assert evaluate("-" * n + "1") == 1
assert evaluate(" + ".join(["1"] * n)) == n
expect_error("(" * n + "7" + ")" * (n - 1), "never closed")
elapsed = time.perf_counter() - t
assert elapsed < 12.0, f"too slow: {elapsed:.2f}s"
print("expression checks passed")
