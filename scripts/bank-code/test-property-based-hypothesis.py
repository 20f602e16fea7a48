# bank-code: needs python:hypothesis python:pytest
# Check for test-property-based-hypothesis. The answer's split_amount becomes payments.split; its
# property tests must pass on it, and must FAIL on plausible broken implementations.
import os
import sys

os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
import pytest  # noqa: E402

os.makedirs("payments", exist_ok=True)
with open("payments/__init__.py", "w") as f:
    f.write("")
with open("payments/split.py", "w") as f:
    f.write('''
import os

VARIANT = os.environ.get("SPLIT_VARIANT", "answer")

if VARIANT == "answer":
    import importlib.util
    import pathlib
    # Load only the code-under-test part of the answer (before its tests import this module).
    src = pathlib.Path("answer.py").read_text()
    code = src.split("import pytest", 1)[0]
    ns = {}
    exec(compile(code, "answer.py", "exec"), ns)
    split_amount = ns["split_amount"]
elif VARIANT == "extra_cent_last":
    def split_amount(total_cents, parts):
        if parts <= 0 or total_cents < 0:
            raise ValueError
        base, rem = divmod(total_cents, parts)
        return [base + 1 if i >= parts - rem else base for i in range(parts)]
elif VARIANT == "float_rounding":
    def split_amount(total_cents, parts):
        if parts <= 0 or total_cents < 0:
            raise ValueError
        return [round(total_cents / parts)] * parts
elif VARIANT == "remainder_to_first":
    def split_amount(total_cents, parts):
        if parts <= 0 or total_cents < 0:
            raise ValueError
        base, rem = divmod(total_cents, parts)
        return [base + rem] + [base] * (parts - 1)
elif VARIANT == "accepts_negative":
    def split_amount(total_cents, parts):
        if parts <= 0:
            raise ValueError
        base, rem = divmod(total_cents, parts)
        return [base + 1 if i < rem else base for i in range(parts)]
elif VARIANT == "drops_zero_parts":
    def split_amount(total_cents, parts):
        if parts <= 0 or total_cents < 0:
            raise ValueError
        base, rem = divmod(total_cents, parts)
        return [p for p in (base + 1 if i < rem else base for i in range(parts)) if p]
''')
with open("conftest.py", "w") as f:
    f.write('''
import os
from hypothesis import Phase, settings
settings.register_profile("answer", derandomize=True, database=None, deadline=None)
# Mutants only need to be caught, not shrunk to a minimal example.
settings.register_profile("mutant", derandomize=True, database=None, deadline=None, max_examples=60,
                          phases=[Phase.explicit, Phase.generate])
settings.load_profile("answer" if os.environ.get("SPLIT_VARIANT") == "answer" else "mutant")
''')


class Report:
    def __init__(self):
        self.passed, self.failed = [], []

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.failed:
            (self.failed if report.failed else self.passed).append(report.nodeid.split("::")[-1])


def run(variant):
    os.environ["SPLIT_VARIANT"] = variant
    for m in list(sys.modules):
        if m in ("answer", "conftest") or m.startswith("payments"):
            del sys.modules[m]
    rep = Report()
    rc = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:unraisableexception", "answer.py"],
                     plugins=[rep])
    return int(rc), rep


rc, rep = run("answer")
assert rc == 0 and len(rep.passed) == 6 and not rep.failed, (rc, rep.passed, rep.failed)

must_fail = {
    "extra_cent_last": "test_larger_parts_come_first",
    "float_rounding": "test_parts_sum_to_total",
    "remainder_to_first": "test_parts_differ_by_at_most_one_cent",
    "accepts_negative": "test_negative_total_rejected",
    "drops_zero_parts": "test_returns_requested_number_of_parts",
}
for variant, test in must_fail.items():
    rc, rep = run(variant)
    assert rc != 0 and test in rep.failed, f"{variant}: expected {test} to fail, failed {rep.failed}"

# Bad part counts are rejected by the real implementation.
from payments.split import split_amount  # noqa: E402  (variant: drops_zero_parts, still validates)

os.environ["SPLIT_VARIANT"] = "answer"
del sys.modules["payments.split"]
from payments.split import split_amount  # noqa: E402,F811

for parts in (0, -1):
    try:
        split_amount(100, parts)
    except ValueError:
        continue
    raise AssertionError(f"parts={parts} accepted")
assert split_amount(100, 3) == [34, 33, 33] and split_amount(0, 2) == [0, 0]
print("test-property-based-hypothesis: ok")
