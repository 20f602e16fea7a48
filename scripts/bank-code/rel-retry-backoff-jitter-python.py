# bank-code: needs python:requests
# Check for rel-retry-backoff-jitter-python: only transient errors retried, capped exponential
# full-jitter backoff, Retry-After (seconds and HTTP date), max attempts, and the overall budget
# as a deadline (attempt timeouts shrink, no sleep past the deadline). Fake clock, no real sleeps.
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import requests

from answer import TransientError, get_order, parse_retry_after, retry_call


class Clock:
    def __init__(self):
        self.t = 100.0
        self.sleeps = []

    def now(self):
        return self.t

    def sleep(self, s):
        assert s >= 0
        self.sleeps.append(s)
        self.t += s


def fake_env(**kw):
    c = Clock()
    return c, dict(sleep=c.sleep, clock=c.now, **kw)


def response(status, body=b"{}", headers=None):
    r = requests.Response()
    r.status_code = status
    r._content = body
    r.headers.update(headers or {})
    r.url = "https://orders.internal/v1/orders/o1"
    return r


class Session:
    def __init__(self, clock, script, cost=0.0):
        self.clock, self.script, self.calls, self.cost = clock, list(script), [], cost

    def get(self, url, timeout):
        self.calls.append(timeout)
        self.clock.t += min(self.cost, timeout[1])  # a timeout cuts the attempt short
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


# 1. Transient failures are retried until success; backoff is full jitter under a doubling cap.
c, env = fake_env(uniform=lambda a, b: b)  # worst case: always the cap
s = Session(c, [requests.ConnectionError("reset"), response(503), response(200, b'{"id":"o1"}')])
assert get_order(s, "o1", base_delay=0.1, max_delay=2.0, budget=5, **env) == {"id": "o1"}
assert len(s.calls) == 3 and c.sleeps == [0.1, 0.2], c.sleeps
lows = []
c, env = fake_env(uniform=lambda a, b: (lows.append((a, b)), a)[1])
s = Session(c, [response(502)] * 5 + [response(200)])
get_order(s, "o1", max_attempts=6, base_delay=0.5, max_delay=2.0, budget=60, **env)
assert [b for _, b in lows] == [0.5, 1.0, 2.0, 2.0, 2.0] and all(a == 0 for a, _ in lows), lows

# 2. Non-retryable errors fail at once.
for status in (400, 401, 403, 404, 409, 500):
    c, env = fake_env()
    s = Session(c, [response(status), response(200)])
    try:
        get_order(s, "o1", **env)
    except requests.HTTPError as e:
        assert e.response.status_code == status
    else:
        raise AssertionError(f"{status} should not be retried into success")
    assert len(s.calls) == 1 and c.sleeps == [], status
c, env = fake_env()
try:
    retry_call(lambda t: (_ for _ in ()).throw(KeyError("bug")), **env)
except KeyError:
    assert c.sleeps == []
else:
    raise AssertionError("programming errors must not be retried")

# 3. Max attempts: the last transient error is raised.
c, env = fake_env(uniform=lambda a, b: 0.0)
s = Session(c, [response(429)] * 10)
try:
    get_order(s, "o1", max_attempts=4, budget=100, **env)
except TransientError as e:
    assert "429" in str(e)
else:
    raise AssertionError("should give up")
assert len(s.calls) == 4

# 4. Retry-After in seconds is honoured (at least that long), and in HTTP-date form.
c, env = fake_env(uniform=lambda a, b: 0.0)
s = Session(c, [response(503, headers={"Retry-After": "3"}), response(200)])
get_order(s, "o1", budget=10, **env)
assert c.sleeps == [3.0], c.sleeps
future = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
assert 28 <= parse_retry_after(future) <= 30.5
past = format_datetime(datetime.now(timezone.utc) - timedelta(seconds=30), usegmt=True)
assert parse_retry_after(past) == 0.0
for junk in (None, "", "soon", "-5", "1.5"):
    assert parse_retry_after(junk) is None, junk
assert parse_retry_after(" 7 ") == 7.0

# 5. Retry-After beyond the budget: give up now, do not sleep past the deadline.
c, env = fake_env()
s = Session(c, [response(503, headers={"Retry-After": "120"}), response(200)])
try:
    get_order(s, "o1", budget=5, **env)
except TransientError:
    pass
else:
    raise AssertionError("must not wait 120s with a 5s budget")
assert c.sleeps == [] and len(s.calls) == 1

# 6. The budget is a deadline: slow attempts shrink later timeouts; total time stays within budget.
c, env = fake_env(uniform=lambda a, b: b)
s = Session(c, [requests.Timeout("read")] * 10, cost=1.5)
t0 = c.t
try:
    get_order(s, "o1", max_attempts=10, base_delay=0.2, max_delay=1.0, budget=5, attempt_timeout=2.0, **env)
except TransientError:
    pass
else:
    raise AssertionError("all attempts time out")
assert c.t - t0 <= 5.0 + 1e-9, f"used {c.t - t0:.2f}s of a 5s budget"
assert s.calls[0] == (0.5, 2.0)
assert all(0 < read <= 2.0 for _, read in s.calls), s.calls
assert s.calls[-1][1] < 1.5, f"the last attempt should only get the time left: {s.calls}"

# 7. Bad input.
for kw in ({"max_attempts": 0}, {"budget": 0}, {"attempt_timeout": -1}):
    try:
        retry_call(lambda t: 1, **kw)
    except ValueError:
        continue
    raise AssertionError(f"{kw} accepted")
print("rel-retry-backoff-jitter-python: ok")
