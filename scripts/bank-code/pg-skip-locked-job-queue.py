# bank-code: needs postgresql python:psycopg
# Check for pg-skip-locked-job-queue against real PostgreSQL: concurrent workers never process a
# job twice, retries back off and end dead, future jobs wait, queues are separate, expired leases
# are reaped, and a stale worker cannot overwrite a reclaimed job.
import threading
import time
from contextlib import contextmanager

import psycopg

from answer import CLAIM, DONE, reap, run_worker

admin = psycopg.connect(autocommit=True)
admin.execute(open("answer.sql").read())


class Pool:
    """The part of psycopg_pool.ConnectionPool the worker uses: commit on exit, roll back on error."""

    def __init__(self):
        self._free, self._lock = [], threading.Lock()

    @contextmanager
    def connection(self):
        with self._lock:
            conn = self._free.pop() if self._free else psycopg.connect()
        try:
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            with self._lock:
                self._free.append(conn)


def q(sql, params=None):
    return admin.execute(sql, params).fetchall()


def enqueue(n, queue="email", **cols):
    extra = "".join(f", {k}" for k in cols)
    vals = "".join(f", {v}" for v in cols.values())
    admin.execute(f"INSERT INTO jobs (queue, payload{extra}) SELECT %s, jsonb_build_object('n', g){vals} "
                  f"FROM generate_series(1, %s) g", (queue, n))


# 1. Four workers, 200 jobs: each handled exactly once, all done.
enqueue(200)
enqueue(5, queue="other")
seen, lock, stop = [], threading.Lock(), threading.Event()


def handle(payload):
    time.sleep(0.002)
    with lock:
        seen.append(payload["n"])


threads = [threading.Thread(target=run_worker, args=(Pool(), "email", f"w{i}", handle),
                            kwargs={"batch": 5, "stop": stop, "idle_s": 0.05}) for i in range(4)]
for t in threads:
    t.start()
deadline = time.monotonic() + 20
while q("SELECT count(*) FROM jobs WHERE queue = 'email' AND status <> 'done'")[0][0] and time.monotonic() < deadline:
    time.sleep(0.05)
stop.set()
for t in threads:
    t.join(5)
assert not any(t.is_alive() for t in threads), "workers must stop when asked"
assert sorted(seen) == list(range(1, 201)), f"{len(seen)} handled, {len(set(seen))} distinct"
assert q("SELECT count(*) FROM jobs WHERE queue = 'email' AND status = 'done' AND attempts = 1") == [(200,)]
assert q("SELECT status, count(*) FROM jobs WHERE queue = 'other' GROUP BY 1") == [("ready", 5)], "queues are separate"
admin.execute("DELETE FROM jobs")

# 2. Failures: retried with growing backoff, error recorded, dead after max_attempts.
enqueue(1, max_attempts=3)
calls = []


def flaky(payload):
    calls.append(payload)
    raise RuntimeError("smtp 451 try later")


pool = Pool()
stop = threading.Event()
backoffs = []
for attempt in range(1, 4):
    t = threading.Thread(target=run_worker, args=(pool, "email", "w1", flaky),
                         kwargs={"stop": stop, "idle_s": 0.02})
    t.start()
    while len(calls) < attempt:
        time.sleep(0.01)
    time.sleep(0.1)
    stop.set()
    t.join(5)
    stop.clear()
    status, attempts, err, delay = q("SELECT status, attempts, last_error, "
                                     "extract(epoch FROM run_at - now()) FROM jobs")[0]
    assert attempts == attempt and err == "smtp 451 try later", (attempts, err)
    if attempt < 3:
        assert status == "ready", status
        backoffs.append(float(delay))
        assert q("SELECT count(*) FROM jobs WHERE run_at <= now()") == [(0,)], "retry must wait"
        admin.execute("UPDATE jobs SET run_at = now()")  # fast-forward the backoff
    else:
        assert status == "dead", status
assert 1 < backoffs[0] <= 2 and 3 < backoffs[1] <= 4, backoffs
assert len(calls) == 3
admin.execute("DELETE FROM jobs")

# 3. Jobs scheduled for later are not claimed.
enqueue(1, run_at="now() + interval '1 hour'")
with pool.connection() as c:
    assert c.execute(CLAIM, {"worker": "w", "queue": "email", "batch": 10}).fetchall() == []
admin.execute("DELETE FROM jobs")

# 4. A crashed worker: its lease expires, reap() returns the job; the stale worker cannot finish it.
enqueue(2, max_attempts=1)
enqueue(1)
with pool.connection() as c:
    claimed = c.execute(CLAIM, {"worker": "crashed", "queue": "email", "batch": 10}).fetchall()
assert len(claimed) == 3
assert reap(pool) == 0, "live leases are left alone"
admin.execute("UPDATE jobs SET locked_until = now() - interval '1 second'")
assert reap(pool) == 3
assert q("SELECT status, count(*) FROM jobs GROUP BY 1 ORDER BY 1") == [("dead", 2), ("ready", 1)]
with pool.connection() as c:
    (job_id, *_), = c.execute(CLAIM, {"worker": "w2", "queue": "email", "batch": 10}).fetchall()
with pool.connection() as c:
    c.execute(DONE, (job_id, "crashed"))  # the old owner wakes up
assert q("SELECT status, locked_by FROM jobs WHERE id = %s", (job_id,)) == [("running", "w2")]
with pool.connection() as c:
    c.execute(DONE, (job_id, "w2"))
assert q("SELECT status FROM jobs WHERE id = %s", (job_id,)) == [("done",)]

# 5. SKIP LOCKED: a claim does not block on rows locked by another open transaction.
admin.execute("DELETE FROM jobs")
enqueue(4)
other = psycopg.connect()
other.execute("SELECT id FROM jobs ORDER BY id LIMIT 2 FOR UPDATE")
t0 = time.monotonic()
with pool.connection() as c:
    got = c.execute(CLAIM, {"worker": "w3", "queue": "email", "batch": 10}).fetchall()
assert time.monotonic() - t0 < 1 and len(got) == 2, "locked rows are skipped, not waited for"
other.rollback()
# Bad input is refused by the table itself.
try:
    admin.execute("INSERT INTO jobs (queue, payload, status) VALUES ('email', '{}', 'weird')")
except psycopg.errors.CheckViolation:
    pass
else:
    raise AssertionError("status CHECK missing")
print("pg-skip-locked-job-queue: ok")
