import io
import json
import logging
import time

from answer import RedactingFilter, redact_text, redact_value

stream = io.StringIO()
handler = logging.StreamHandler(stream)
handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
handler.addFilter(RedactingFilter())
second = io.StringIO()
h2 = logging.StreamHandler(second)           # a second handler re-filters the same record
h2.addFilter(RedactingFilter())
root = logging.getLogger("app")
root.handlers[:] = [handler, h2]
root.setLevel(logging.DEBUG)
root.propagate = False
child = logging.getLogger("app.payments")    # propagates up to the handler


def emitted(fn):
    stream.seek(0); stream.truncate()
    second.seek(0); second.truncate()
    fn()
    return stream.getvalue()


SECRETS = ["ana.maria+test@mail.example.co.uk", "BOB@EXAMPLE.COM", "hunter2", "s3cr3t-token-value",
           "4111111111111111", "4111 1111 1111 1111", "5500-0000-0000-0004", "eyJhbGciOiJIUzI1NiJ9"]


def assert_clean(text):
    for s in SECRETS:
        assert s not in text, f"leaked {s!r} in {text!r}"


# Plain messages, %-args, child logger propagation.
out = emitted(lambda: child.info("login ok for %s from card %s", "ana.maria+test@mail.example.co.uk", 4111111111111111))
assert_clean(out); assert "[EMAIL]" in out and "[CARD]" in out, out
out = emitted(lambda: root.warning("User BOB@EXAMPLE.COM reset password=hunter2&next=/home"))
assert_clean(out); assert "password=[REDACTED]" in out, out
out = emitted(lambda: root.info('body {"password": "hunter2", "user": "x"} token: s3cr3t-token-value'))
assert_clean(out)
out = emitted(lambda: root.info("cards 4111 1111 1111 1111 and 5500-0000-0000-0004"))
assert_clean(out)
# Non-card long numbers (fail Luhn) are kept: order ids stay debuggable.
out = emitted(lambda: root.info("order 1234567890123456 shipped"))
assert "1234567890123456" in out, out
# URL-encoded email in a query string.
out = emitted(lambda: root.info("GET /unsubscribe?email=carol%40example.org"))
assert "carol" not in out and "example.org" not in out, out
# JWT and Authorization header as text.
jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
out = emitted(lambda: root.info("upstream said Authorization: Bearer %s", jwt))
assert "eyJ" not in out and "dozjg" not in out, out

# extra fields: nested dicts, key-based redaction, cycles, bytes, ints.
payload = {"user": {"email": "ana.maria+test@mail.example.co.uk", "password": "hunter2",
                    "Authorization": "Bearer " + jwt, "card_number": "4111111111111111",
                    "tags": ("vip", "BOB@EXAMPLE.COM")}, "raw": b"\x00\x01secret", "n": 42}
payload["self"] = payload  # reference cycle
records = []


class Capture(logging.Handler):
    def emit(self, record):
        records.append(record)


cap = Capture(); cap.addFilter(RedactingFilter())
root.addHandler(cap)
emitted(lambda: root.info("profile update", extra={"payload": payload, "api_key": "s3cr3t-token-value"}))
root.removeHandler(cap)
rec = records[-1]
assert rec.api_key == "[REDACTED]"
p = rec.payload
assert p["user"]["password"] == "[REDACTED]" and p["user"]["Authorization"] == "[REDACTED]"
assert p["user"]["email"] == "[EMAIL]" and p["user"]["tags"][1] == "[EMAIL]"
assert p["n"] == 42 and p["raw"] == "[8 bytes]"
assert_clean(json.dumps(p, default=str))
assert payload["user"]["password"] == "hunter2", "caller's object must not be mutated"

# Exceptions: PII inside exception messages and tracebacks.
def fail():
    try:
        raise ValueError("could not charge 4111111111111111 for BOB@EXAMPLE.COM")
    except ValueError:
        root.exception("payment failed")
out = emitted(fail)
assert "Traceback" in out and "ValueError" in out, out
assert_clean(out)
assert_clean(second.getvalue())

# Log injection and terminal escapes in the message.
out = emitted(lambda: root.info("name=%s", "eve\nINFO app admin logged in\r\x1b[2J"))
assert out.count("\n") == 1, repr(out)
assert "\x1b" not in out and "\\n" in out, repr(out)

# Broken %-formatting must not crash, must not print raw args, must still log.
out = emitted(lambda: root.info("%d items for %s", "not-a-number"))
assert "unformattable" in out and "not-a-number" not in out, out
# Non-string message objects.
out = emitted(lambda: root.info({"email": "BOB@EXAMPLE.COM", "password": "hunter2"}))
assert "BOB@EXAMPLE.COM" not in out, out
class Evil:
    def __str__(self):
        raise RuntimeError("no str for you")
out = emitted(lambda: root.info(Evil()))
assert "unprintable" in out, out

# Idempotent (two handlers) and bounded output.
emitted(lambda: root.info("x %s", "BOB@EXAMPLE.COM"))
assert "[EMAIL]" in second.getvalue() and "BOB" not in second.getvalue()
out = emitted(lambda: root.info("A" * 100_000))
assert len(out) < 9000 and "truncated" in out

# Hostile input runs in bounded time (no catastrophic backtracking).
hostile = [("a" * 5000 + "@") * 20, "1 " * 50_000, "eyJ" + "a" * 100_000 + ".", "password=" + "x" * 200_000,
           ("a." * 40_000) + "@b", "%40" * 30_000]
start = time.perf_counter()
for h in hostile:
    redact_text(h)
elapsed = time.perf_counter() - start
assert elapsed < 3.0, f"redaction too slow on hostile input: {elapsed:.2f}s"
assert redact_value("x", {"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}})["a"]["b"]["c"]["d"]["e"]["f"] == "[TOO DEEP]"
print(f"privacy-log-redaction-filter-python: all checks passed (hostile inputs {elapsed:.2f}s)")
