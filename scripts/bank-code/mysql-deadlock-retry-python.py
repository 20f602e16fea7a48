"""Check for mysql-deadlock-retry-python: whole-transaction retry on 1213 with capped,
jittered backoff; 1205 rolled back explicitly and not retried unless asked; a lost
connection during COMMIT is reported as unknown, never retried; application errors and
broken connections are not retried; both driver error styles are recognised."""
from answer import (CommitOutcomeUnknown, RetriesExhausted, mysql_errno,
                    run_transaction)


class OperationalError(Exception):      # PyMySQL / mysqlclient style: args = (code, msg)
    pass


class ConnectorError(Exception):        # mysql-connector style: .errno attribute
    def __init__(self, errno, msg):
        super().__init__(msg)
        self.errno = errno


def deadlock():
    return OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")


def lock_timeout():
    return OperationalError(1205, "Lock wait timeout exceeded; try restarting transaction")


class Cursor:
    def __init__(self, conn):
        self.conn, self.closed = conn, False

    def execute(self, sql):
        self.conn.executed.append(sql)

    def close(self):
        self.closed = True


class Conn:
    def __init__(self, commit_errors=(), rollback_error=None):
        self.commit_errors = list(commit_errors)
        self.rollback_error = rollback_error
        self.commits = self.rollbacks = 0
        self.cursors, self.executed = [], []

    def cursor(self):
        c = Cursor(self)
        self.cursors.append(c)
        return c

    def commit(self):
        if self.commit_errors:
            err = self.commit_errors.pop(0)
            if err is not None:
                raise err
        self.commits += 1

    def rollback(self):
        self.rollbacks += 1
        if self.rollback_error:
            raise self.rollback_error


def scripted(errors, value="ok"):
    """work() that raises errors[i] on call i (None = succeed)."""
    calls = []

    def work(cur):
        i = len(calls)
        calls.append(i)
        cur.execute(f"UPDATE t SET n = n + 1 -- attempt {i}")
        err = errors[i] if i < len(errors) else None
        if err is not None:
            raise err
        return value
    return work, calls


def expect(exc_type, fn):
    try:
        fn()
    except exc_type as e:
        return e
    raise AssertionError(f"expected {exc_type.__name__}")


# Success on the first attempt.
conn, sleeps = Conn(), []
work, calls = scripted([])
assert run_transaction(conn, work, sleep=sleeps.append) == "ok"
assert (len(calls), conn.commits, conn.rollbacks, sleeps) == (1, 1, 0, [])
assert all(c.closed for c in conn.cursors)

# Two deadlocks, then success: whole transaction re-run, rollback each time, backoff grows.
conn, sleeps = Conn(), []
work, calls = scripted([deadlock(), deadlock()])
assert run_transaction(conn, work, sleep=sleeps.append, rand=lambda: 1.0,
                       base_delay=0.1) == "ok"
assert len(calls) == 3 and conn.commits == 1 and conn.rollbacks == 2
assert sleeps == [0.1, 0.2], sleeps
assert all(c.closed for c in conn.cursors) and len(conn.cursors) == 3

# Jitter stays within [0.5, 1.0] x delay and the delay is capped.
conn, sleeps = Conn(), []
work, _ = scripted([deadlock()] * 9)
run_transaction(conn, work, max_attempts=10, sleep=sleeps.append, rand=lambda: 0.0,
                base_delay=0.1, max_delay=0.5)
assert sleeps[0] == 0.05 and max(sleeps) == 0.25 and len(sleeps) == 9, sleeps

# Deadlock on every attempt: RetriesExhausted, chained to the deadlock.
conn, sleeps = Conn(), []
work, calls = scripted([deadlock()] * 10)
e = expect(RetriesExhausted, lambda: run_transaction(conn, work, max_attempts=4,
                                                     sleep=sleeps.append))
assert mysql_errno(e.__cause__) == 1213
assert len(calls) == 4 and len(sleeps) == 3 and conn.rollbacks == 4 and conn.commits == 0

# Lock wait timeout: explicit rollback (statement-only rollback leaves locks), no retry.
conn, sleeps = Conn(), []
work, calls = scripted([lock_timeout()])
e = expect(OperationalError, lambda: run_transaction(conn, work, sleep=sleeps.append))
assert e.args[0] == 1205 and len(calls) == 1 and conn.rollbacks == 1 and sleeps == []

# ... unless the caller opts in.
conn, sleeps = Conn(), []
work, calls = scripted([lock_timeout()])
assert run_transaction(conn, work, retry_lock_timeouts=True, sleep=sleeps.append) == "ok"
assert len(calls) == 2 and conn.rollbacks == 1 and len(sleeps) == 1

# Connection lost during COMMIT: outcome unknown, never retried.
for code in (2013, 2006):
    conn, sleeps = Conn(commit_errors=[OperationalError(code, "Lost connection")]), []
    work, calls = scripted([])
    e = expect(CommitOutcomeUnknown, lambda: run_transaction(conn, work, sleep=sleeps.append))
    assert mysql_errno(e.__cause__) == code and len(calls) == 1 and sleeps == []

# Connection lost while running statements (not at commit): raised, not retried.
conn, sleeps = Conn(), []
work, calls = scripted([OperationalError(2013, "Lost connection")])
e = expect(OperationalError, lambda: run_transaction(conn, work, sleep=sleeps.append))
assert e.args[0] == 2013 and len(calls) == 1 and sleeps == []

# Deadlock reported at commit time is retried like any other deadlock.
conn, sleeps = Conn(commit_errors=[deadlock(), None]), []
work, calls = scripted([])
assert run_transaction(conn, work, sleep=sleeps.append) == "ok"
assert len(calls) == 2 and conn.commits == 1

# Application error: rolled back and re-raised, not retried.
conn, sleeps = Conn(), []
work, calls = scripted([ValueError("insufficient funds")])
expect(ValueError, lambda: run_transaction(conn, work, sleep=sleeps.append))
assert len(calls) == 1 and conn.rollbacks == 1 and sleeps == []

# Rollback fails (connection broken): the original error surfaces, no retry.
conn, sleeps = Conn(rollback_error=OperationalError(2006, "gone")), []
work, calls = scripted([deadlock(), deadlock()])
e = expect(OperationalError, lambda: run_transaction(conn, work, sleep=sleeps.append))
assert e.args[0] == 1213 and len(calls) == 1 and sleeps == []

# mysql-connector style errors are recognised.
conn, sleeps = Conn(), []
work, calls = scripted([ConnectorError(1213, "Deadlock found")])
assert run_transaction(conn, work, sleep=sleeps.append) == "ok" and len(calls) == 2
assert mysql_errno(ValueError("x")) is None and mysql_errno(Exception()) is None

# Bad configuration.
expect(ValueError, lambda: run_transaction(Conn(), scripted([])[0], max_attempts=0))
print("mysql-deadlock-retry-python: ok")
