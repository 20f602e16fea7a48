# bank-code: needs postgresql python:psycopg python:boto3
# Check for msg-idempotent-consumer-dedup-python against real PostgreSQL: duplicates skipped but
# acknowledged, failures leave the message (no delete) and roll back the dedup row, missing invoices
# retried, concurrent duplicates serialised by the primary key.
import json
import logging
import threading
import time

import psycopg

from answer import InvoiceNotFound, apply_payment_captured, run

logging.disable(logging.CRITICAL)
setup = psycopg.connect(autocommit=True)
setup.execute(open("answer.sql").read())
setup.execute("""
CREATE TABLE invoices (id text PRIMARY KEY, status text NOT NULL, paid_at timestamptz);
INSERT INTO invoices VALUES ('inv-1', 'open', NULL), ('inv-2', 'open', NULL), ('inv-3', 'paid', '2024-01-01');
""")


def event(eid, inv, at="2024-05-01T10:00:00Z"):
    return {"id": eid, "type": "PaymentCaptured", "data": {"invoiceId": inv, "capturedAt": at}}


def q(sql, *args):
    return setup.execute(sql, args or None).fetchall()


class FakeSQS:
    def __init__(self, batches):
        self.batches = list(batches)
        self.deleted = []

    def receive_message(self, QueueUrl, MaxNumberOfMessages, WaitTimeSeconds):
        assert MaxNumberOfMessages <= 10 and WaitTimeSeconds == 20
        return {"Messages": self.batches.pop(0)} if self.batches else {}

    def delete_message(self, QueueUrl, ReceiptHandle):
        self.deleted.append(ReceiptHandle)


def msg(n, body):
    return {"MessageId": f"m{n}", "ReceiptHandle": f"rh{n}", "Body": body}


conn = psycopg.connect(autocommit=True)
assert apply_payment_captured(conn, event("evt-1", "inv-1")) is True
assert q("SELECT status, paid_at::text FROM invoices WHERE id = 'inv-1'") == [("paid", "2024-05-01 10:00:00+00")]
assert apply_payment_captured(conn, event("evt-1", "inv-1", at="2030-01-01T00:00:00Z")) is False
assert q("SELECT paid_at::text FROM invoices WHERE id = 'inv-1'") == [("2024-05-01 10:00:00+00",)]
# A different event for an already-paid invoice: recorded, no change.
assert apply_payment_captured(conn, event("evt-9", "inv-3")) is True
assert q("SELECT paid_at::text FROM invoices WHERE id = 'inv-3'") == [("2024-01-01 00:00:00+00",)]

# Missing invoice: raises, and the dedup row is rolled back so a retry can still apply it.
try:
    apply_payment_captured(conn, event("evt-2", "inv-404"))
except InvoiceNotFound:
    pass
else:
    raise AssertionError("a missing invoice must not be silently recorded")
assert q("SELECT count(*) FROM processed_messages WHERE message_id = 'evt-2'") == [(0,)]
setup.execute("INSERT INTO invoices VALUES ('inv-404', 'open', NULL)")
assert apply_payment_captured(conn, event("evt-2", "inv-404")) is True

# The loop: applied and duplicate messages are deleted; broken ones are left for redelivery/DLQ.
sqs = FakeSQS([
    [msg(1, json.dumps(event("evt-3", "inv-2"))), msg(2, "not json"),
     msg(3, json.dumps(event("evt-3", "inv-2"))), msg(4, json.dumps({"id": "evt-4"})),
     msg(5, json.dumps(event("evt-5", "inv-missing")))],
    [msg(6, json.dumps(event("evt-1", "inv-1")))],
])
polls = []
run(sqs, conn, "https://sqs.test/q", keep_running=lambda: len(polls.append(1) or polls) <= 3)
assert sqs.deleted == ["rh1", "rh3", "rh6"], sqs.deleted
assert q("SELECT status FROM invoices WHERE id = 'inv-2'") == [("paid",)]
assert q("SELECT count(*) FROM processed_messages WHERE message_id IN ('evt-4', 'evt-5')") == [(0,)]
assert conn.execute("SELECT 1").fetchone() == (1,), "connection usable after failures"

# Concurrent duplicates: B waits for A's uncommitted dedup row, then sees the conflict.
setup.execute("INSERT INTO invoices VALUES ('inv-7', 'open', NULL)")
a, b = psycopg.connect(autocommit=True), psycopg.connect(autocommit=True)
results = {}
with a.transaction():
    a.execute("INSERT INTO processed_messages (consumer, message_id) VALUES ('invoicing', 'evt-7')")
    t = threading.Thread(target=lambda: results.setdefault("b", apply_payment_captured(b, event("evt-7", "inv-7"))))
    t.start()
    time.sleep(0.3)
    assert t.is_alive(), "B should be waiting on A's row"
    a.execute("UPDATE invoices SET status = 'paid', paid_at = now() WHERE id = 'inv-7'")
t.join(5)
assert results == {"b": False}, results

# Many workers, same events: each applied exactly once.
setup.execute("INSERT INTO invoices SELECT 'bulk-' || g, 'open', NULL FROM generate_series(1, 20) g")
applied = []
lock = threading.Lock()


def worker():
    c = psycopg.connect(autocommit=True)
    for i in range(1, 21):
        if apply_payment_captured(c, event(f"bulk-evt-{i}", f"bulk-{i}")):
            with lock:
                applied.append(i)


threads = [threading.Thread(target=worker) for _ in range(4)]
for th in threads:
    th.start()
for th in threads:
    th.join()
assert sorted(applied) == list(range(1, 21)), sorted(applied)
assert q("SELECT count(*) FROM invoices WHERE id LIKE 'bulk-%' AND status = 'paid'") == [(20,)]
print("msg-idempotent-consumer-dedup-python: ok")
