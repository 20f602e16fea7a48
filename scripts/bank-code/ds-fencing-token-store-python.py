import random
import threading

from answer import FencedStore, LockNotHeld, LockService, StaleToken


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def expect(exc, fn, *args):
    try:
        fn(*args)
    except exc:
        return
    raise AssertionError(f"expected {exc.__name__} from {fn.__name__}{args}")


clock = FakeClock()
locks = LockService(clock)
store = FencedStore()

# The GC-pause timeline.
l1 = locks.acquire("report", "client-1", ttl=30)
assert l1 is not None and l1.token == 1
assert locks.acquire("report", "client-2", ttl=30) is None, "lock must be exclusive"
assert locks.acquire("report", "client-1", ttl=30) is None, "no silent re-grant"
store.write("report", l1.token, "report.csv", "v1 by client-1")
store.write("report", l1.token, "report.csv", "v1b by client-1")  # same holder again
clock.t += 41  # client-1 pauses past its lease
l2 = locks.acquire("report", "client-2", ttl=30)
assert l2 is not None and l2.token > l1.token
store.write("report", l2.token, "report.csv", "v2 by client-2")
expect(StaleToken, store.write, "report", l1.token, "report.csv", "stale!")
assert store.read("report.csv") == "v2 by client-2"

# Renewal: keeps the grant's token, extends the expiry from now, and keeps
# the lock exclusive past the original expiry; fails after expiry or takeover.
r2 = locks.renew(l2, ttl=30)
assert r2.token == l2.token and r2.owner == "client-2", "renewal keeps the token"
clock.t += 29  # 29 s after the renewal, past l2's original expiry
assert locks.acquire("report", "client-9", ttl=30) is None, "renewal must extend the lease"
r3 = locks.renew(r2, ttl=30)
assert r3.token == l2.token and r3.expires_at == clock.t + 30
store.write("report", r3.token, "report.csv", "v3 by client-2")  # same token, still accepted
l2 = r3
expect(LockNotHeld, locks.renew, l1, 30)  # taken over
clock.t += 31
expect(LockNotHeld, locks.renew, l2, 30)  # expired
l3 = locks.acquire("report", "client-3", ttl=5)
assert l3.token > l2.token
expect(LockNotHeld, locks.renew, l2, 30)  # old lease stays dead

# Bad input.
expect(ValueError, locks.acquire, "x", "c", 0)
expect(ValueError, locks.acquire, "x", "c", -1)
for bad in (0, -5, "7", 3.0, True, None):
    expect(ValueError, store.write, "report", bad, "k", "v")
assert store.read("report.csv") == "v3 by client-2"
assert store.read("k") is None, "a rejected write must not store anything"

# Tokens are per lock: a low token on another lock is fine.
store.write("other-lock", 1, "other", "ok")
assert store.read("other") == "ok"

# Concurrency: writers race with shuffled tokens; every accepted token
# must be >= all tokens accepted before it, and the max must win.
import time


class YieldingDict(dict):
    """Yields the GIL between reading the highest token and writing it, so
    a check-then-write that is not atomic interleaves and gets caught."""

    def get(self, *args):
        value = super().get(*args)
        time.sleep(0.0001)
        return value


class LoggingDict(dict):
    """Records every stored value at the moment of the write, i.e. inside the
    store's critical section, so the log is the true order of accepted writes."""

    def __init__(self, log):
        super().__init__()
        self.log = log

    def __setitem__(self, key, value):
        self.log.append(value)
        super().__setitem__(key, value)


store2 = FencedStore()
store2._highest = YieldingDict()
write_log = []
store2._data = LoggingDict(write_log)
accepted, rejected = [], []
log_mu = threading.Lock()
tokens = list(range(1, 1001))
random.seed(7)
random.shuffle(tokens)
barrier = threading.Barrier(8)


def worker(my_tokens):
    barrier.wait()
    for t in my_tokens:
        try:
            store2.write("job", t, "k", t)
            with log_mu:
                accepted.append(t)
        except StaleToken:
            with log_mu:
                rejected.append(t)


threads = [threading.Thread(target=worker, args=(tokens[i::8],)) for i in range(8)]
for th in threads:
    th.start()
for th in threads:
    th.join()
assert len(accepted) + len(rejected) == 1000
assert 1000 in accepted and store2.read("k") == 1000
assert sorted(write_log) == sorted(accepted)
assert write_log == sorted(write_log), "accepted tokens must be non-decreasing in write order"
try:
    store2.write("job", 999, "k", "late")
    raise AssertionError("stale token accepted after concurrency test")
except StaleToken:
    pass

# Concurrent acquisition of an expired lock: exactly one winner, unique tokens.
clock.t += 100
winners = []
barrier2 = threading.Barrier(16)


def grab(i):
    barrier2.wait()
    lease = locks.acquire("report", f"c{i}", ttl=10)
    if lease:
        with log_mu:
            winners.append(lease)


ths = [threading.Thread(target=grab, args=(i,)) for i in range(16)]
for th in ths:
    th.start()
for th in ths:
    th.join()
assert len(winners) == 1, winners
assert winners[0].token > l3.token
print("fencing checks passed")
