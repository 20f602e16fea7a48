import json
import os
import random
import sqlite3
import tempfile
import threading

from answer import ExactlyOnceSink, run


class Crash(Exception):
    pass


class CrashingSink(ExactlyOnceSink):
    """Dies after the n-th applied event, inside the transaction."""

    def __init__(self, *a, crash_after=None):
        super().__init__(*a)
        self.crash_after, self.applied = crash_after, 0

    def _apply(self, *args):
        super()._apply(*args)
        self.applied += 1
        if self.crash_after is not None and self.applied >= self.crash_after:
            raise Crash()


def make_log(rng, n):
    log, ids, off = [], [], 0
    for i in range(n):
        off += rng.choice([1, 1, 1, 2])  # gaps: transaction markers / compaction
        r = rng.random()
        if r < 0.08:
            raw = rng.choice([b"{not json", b"[]", json.dumps({"event_id": "x"}).encode(),
                              json.dumps({"event_id": f"b{i}", "account": "a", "amount_cents": 1.5}).encode(),
                              json.dumps({"event_id": f"t{i}", "account": "a", "amount_cents": True}).encode()])
        elif r < 0.2 and ids:
            raw = rng.choice(ids)  # duplicate publish of an earlier event
        else:
            raw = json.dumps({"event_id": f"e{i}", "account": rng.choice("xyz"),
                              "amount_cents": rng.randint(-500, 1000)}).encode()
            ids.append(raw)
        log.append((off, raw))
    return log


def expected(log):
    seen, bal, dead = set(), {}, 0
    for _, raw in log:
        try:
            e = json.loads(raw)
            ok = (isinstance(e, dict) and isinstance(e.get("event_id"), str) and isinstance(e.get("account"), str)
                  and isinstance(e.get("amount_cents"), int) and not isinstance(e.get("amount_cents"), bool))
        except ValueError:
            ok = False
        if not ok:
            dead += 1
            continue
        if e["event_id"] in seen:
            continue
        seen.add(e["event_id"])
        bal[e["account"]] = bal.get(e["account"], 0) + e["amount_cents"]
    return bal, dead


def poller(log):
    def poll(pos, n):
        return [m for m in log if m[0] >= pos][:n]
    return poll


def balances(path):
    db = sqlite3.connect(path)
    b = dict(db.execute("SELECT account, balance_cents FROM balances"))
    dead = db.execute("SELECT count(*) FROM dead_letters").fetchone()[0]
    db.close()
    return b, dead


tmp = tempfile.mkdtemp()
rng = random.Random(5)

# 1. crashes at random points inside transactions; restart resumes from the stored offset
for trial in range(25):
    path = os.path.join(tmp, f"crash{trial}.db")
    log = make_log(rng, rng.randint(0, 150))
    for attempt in range(1000):
        sink = CrashingSink(path, "g", "payments", 0, crash_after=rng.choice([None, 1, 3, 7, 20]))
        try:
            last = run(sink, poller(log), batch_size=rng.randint(1, 25))
            break
        except Crash:
            sink.db.close()
    else:
        raise AssertionError("never finished")
    assert balances(path) == expected(log), trial
    assert last == (log[-1][0] + 1 if log else 0)
    # 2. a zombie / redelivery replays old batches: no effect
    again = ExactlyOnceSink(path, "g", "payments", 0)
    again.process_batch(log[: len(log) // 2])
    again.process_batch(log)
    assert balances(path) == expected(log)
    assert run(again, poller(log)) == last

# 3. crash after COMMIT but before the consumer learned the new position
path = os.path.join(tmp, "after-commit.db")
log = make_log(rng, 40)
s = ExactlyOnceSink(path, "g", "payments", 0)
s.process_batch(log[:20])
s.process_batch(log[:25])  # consumer re-sends from its stale in-memory position
run(s, poller(log))
assert balances(path) == expected(log)

# 4. two consumers on the same partition at once (rebalance overlap) still apply once
path = os.path.join(tmp, "race.db")
log = make_log(rng, 300)
ExactlyOnceSink(path, "g", "payments", 0)  # create schema before the threads race
errors = []


def worker():
    try:
        run(ExactlyOnceSink(path, "g", "payments", 0), poller(log), batch_size=7)
    except Exception as exc:  # noqa: BLE001
        errors.append(exc)


threads = [threading.Thread(target=worker) for _ in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not errors, errors
assert balances(path) == expected(log)

# 5. offsets of other partitions/groups are independent
path = os.path.join(tmp, "multi.db")
a = ExactlyOnceSink(path, "g", "payments", 0)
b = ExactlyOnceSink(path, "g", "payments", 1)
a.process_batch([(0, json.dumps({"event_id": "p0", "account": "q", "amount_cents": 5}).encode())])
assert a.position() == 1 and b.position() == 0
# 6. rollback really discards the effects of a failed batch
c = CrashingSink(path, "g", "payments", 1, crash_after=1)
try:
    c.process_batch([(0, json.dumps({"event_id": "p1", "account": "q", "amount_cents": 100}).encode())])
    raise AssertionError("should have crashed")
except Crash:
    pass
assert balances(path)[0] == {"q": 5} and b.position() == 0
# 7. gaps in offsets: the stored position is last offset + 1, not a count
path = os.path.join(tmp, "gaps.db")
g = ExactlyOnceSink(path, "g", "payments", 0)
ev = lambda i: json.dumps({"event_id": f"g{i}", "account": "q", "amount_cents": 1}).encode()
assert g.process_batch([(5, ev(5)), (9, ev(9))]) == 10 and g.position() == 10
assert g.process_batch([]) == 10

# 8. the offset, not only the dedup table, guards replays (dedup ids are pruned by retention)
g.db.execute("DELETE FROM applied_events")
g.process_batch([(5, ev(5)), (9, ev(9)), (12, ev(12))])
assert balances(path)[0] == {"q": 3} and g.position() == 13
print("exactly-once sink checks passed")
