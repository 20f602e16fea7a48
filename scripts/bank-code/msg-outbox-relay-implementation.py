# bank-code: needs postgresql python:psycopg
# Check for msg-outbox-relay-implementation against real PostgreSQL and a fake Kafka producer:
# rows marked only after every ack, failures roll back (retried later), at-least-once with an
# event-id header and aggregate key, SKIP LOCKED keeps concurrent relays disjoint, main() backs off.
import json
import logging
import threading

import psycopg
from confluent_kafka import BROKER, KafkaError, Producer

import answer
from answer import PublishFailed, relay_batch

logging.disable(logging.CRITICAL)
setup = psycopg.connect(autocommit=True)
setup.execute("""
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_id text NOT NULL, topic text NOT NULL, event_type text NOT NULL,
  payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz)""")
setup.execute(open("answer.sql").read())


def add(n, agg="order-1"):
    with setup.cursor() as cur:
        cur.executemany("INSERT INTO outbox (aggregate_id, topic, event_type, payload) VALUES (%s, %s, %s, %s)",
                        [(agg, "orders", "OrderPaid", json.dumps({"n": i})) for i in range(n)])


def unpublished():
    return setup.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0]


producer = Producer({"bootstrap.servers": "fake:9092", "enable.idempotence": True, "acks": "all"})
conn = psycopg.connect(autocommit=True)

# Happy path: batch published in id order, key = aggregate, event-id header, then marked.
add(5)
assert relay_batch(conn, producer) == 5 and unpublished() == 0
ids = [r[0] for r in setup.execute("SELECT id FROM outbox ORDER BY id")]
assert [int(dict(m.headers())["event-id"]) for m in BROKER.log] == ids
assert all(m.key() == b"order-1" and m.topic() == "orders" for m in BROKER.log)
assert [json.loads(m.value()) for m in BROKER.log] == [{"n": i} for i in range(5)]
assert dict(BROKER.log[0].headers())["event-type"] == b"OrderPaid"
assert relay_batch(conn, producer) == 0, "nothing left"
assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE

# One delivery error: the whole batch stays unpublished and is retried (at-least-once).
BROKER.reset()
add(3, agg="order-2")
BROKER.fail = lambda m: KafkaError(KafkaError.NETWORK_EXCEPTION, "broker down") \
    if json.loads(m.value()) == {"n": 1} else None
try:
    relay_batch(conn, producer)
except PublishFailed:
    pass
else:
    raise AssertionError("a failed delivery must fail the batch")
assert unpublished() == 3, "rows must stay unpublished after a failed delivery"
assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE, "rolled back, row locks released"
BROKER.fail = lambda m: None
assert relay_batch(conn, producer) == 3 and unpublished() == 0
assert len(BROKER.log) == 2 + 3, "the retry re-sends: consumers dedupe on event-id"

# Not acknowledged within the flush timeout: also a failure.
BROKER.reset()
add(2)
BROKER.stall = lambda m: True
try:
    relay_batch(conn, producer)
except PublishFailed:
    pass
else:
    raise AssertionError("un-acked messages must fail the batch")
assert unpublished() == 2
BROKER.stall = lambda m: False
producer.flush(0)  # the stuck messages eventually go out on their own
assert relay_batch(conn, producer) == 2 and unpublished() == 0

# A crash in the middle (exception while producing) leaves every row of the batch unpublished.
BROKER.reset()
add(4)


class Crashing(Producer):
    def produce(self, *a, **kw):
        if len(self._queue) == 2:
            raise BufferError("local queue full")
        super().produce(*a, **kw)


try:
    relay_batch(conn, Crashing({"bootstrap.servers": "fake:9092"}))
except BufferError:
    pass
assert unpublished() == 4
assert relay_batch(conn, producer) == 4

# Several relays at once: SKIP LOCKED gives disjoint batches; every row published exactly once.
BROKER.reset()
answer.BATCH_SIZE = 25
add(300, agg="order-3")
BROKER.flush_delay = 0.02  # keep transactions open so relays overlap
counts, errors = [], []


def relay():
    c = psycopg.connect(autocommit=True)
    p = Producer({"bootstrap.servers": "fake:9092"})
    try:
        while True:
            n = relay_batch(c, p)
            if n == 0:
                return
            counts.append(n)
    except Exception as e:  # noqa: BLE001
        errors.append(e)


threads = [threading.Thread(target=relay) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join(30)
assert not errors, errors
assert sum(counts) == 300 and unpublished() == 0
sent = [int(dict(m.headers())["event-id"]) for m in BROKER.log]
assert len(sent) == len(set(sent)) == 300, "no row published twice by concurrent relays"
BROKER.flush_delay = 0

# main(): backs off after a publish failure and keeps going; idle polling sleeps.
BROKER.reset()
add(2)
sleeps = []


class Stop(Exception):
    pass


def fake_sleep(s):
    sleeps.append(s)
    BROKER.fail = lambda m: None  # the broker recovers after the back-off
    if len(sleeps) >= 3:
        raise Stop


BROKER.fail = lambda m: KafkaError(KafkaError._MSG_TIMED_OUT, "timed out")
real_sleep = answer.time.sleep
answer.time.sleep = fake_sleep
try:
    answer.main(setup.info.dsn, "fake:9092")
except Stop:
    pass
finally:
    answer.time.sleep = real_sleep
assert sleeps[0] == 2, f"back-off after failure: {sleeps}"
assert unpublished() == 0 and sleeps[1:] == [0.5, 0.5], sleeps
print("msg-outbox-relay-implementation: ok")
