"""A minimal stand-in for confluent-kafka's Producer (the real one needs librdkafka and a broker).

It keeps the API surface the bank's answers use: Producer(config), produce(topic, value, key,
headers, on_delivery), flush(timeout) -> messages still queued, poll(timeout), len(producer), and
on_delivery(err, msg) callbacks served from flush/poll, as in librdkafka. Checks steer the fake
broker through the module-level BROKER object: .log (delivered messages), .fail (a function
msg -> KafkaError or None) and .stall (a function msg -> True to keep it queued past a flush).
"""

import threading
import time


class KafkaError:
    _MSG_TIMED_OUT = -192
    NETWORK_EXCEPTION = 13

    def __init__(self, code, reason="", fatal=False, retriable=True):
        self._code, self._reason, self._fatal, self._retriable = code, reason, fatal, retriable

    def code(self):
        return self._code

    def str(self):
        return self._reason

    def fatal(self):
        return self._fatal

    def retriable(self):
        return self._retriable

    def __repr__(self):
        return f"KafkaError({self._code}, {self._reason!r})"


class KafkaException(Exception):
    pass


class Message:
    def __init__(self, topic, key, value, headers):
        self._topic, self._key, self._value, self._headers = topic, key, value, headers
        self._error = None

    def topic(self):
        return self._topic

    def key(self):
        return self._key

    def value(self):
        return self._value

    def headers(self):
        return self._headers

    def error(self):
        return self._error


def _b(x):
    if x is None or isinstance(x, bytes):
        return x
    if isinstance(x, str):
        return x.encode()
    raise TypeError(f"expected str or bytes, got {type(x).__name__}")


class _Broker:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.log = []
        self.fail = lambda msg: None
        self.stall = lambda msg: False
        self.flush_delay = 0.0


BROKER = _Broker()


class Producer:
    def __init__(self, config):
        if not isinstance(config, dict) or "bootstrap.servers" not in config:
            raise KafkaException("bootstrap.servers is required")
        self.config = dict(config)
        self._queue = []

    def produce(self, topic, value=None, key=None, partition=-1, on_delivery=None, callback=None,
                timestamp=0, headers=None):
        if not isinstance(topic, str) or not topic:
            raise TypeError("topic must be a non-empty str")
        if isinstance(headers, dict):
            headers = [(k, _b(v)) for k, v in headers.items()]
        msg = Message(topic, _b(key), _b(value), list(headers or []))
        self._queue.append((msg, on_delivery or callback))

    def _serve(self):
        served, keep = 0, []
        for msg, cb in self._queue:
            if BROKER.stall(msg):
                keep.append((msg, cb))
                continue
            err = BROKER.fail(msg)
            if err is None:
                with BROKER.lock:
                    BROKER.log.append(msg)
            msg._error = err
            if cb:
                cb(err, msg)
            served += 1
        self._queue = keep
        return served

    def poll(self, timeout=None):
        return self._serve()

    def flush(self, timeout=None):
        if BROKER.flush_delay:
            time.sleep(BROKER.flush_delay)
        self._serve()
        return len(self._queue)

    def __len__(self):
        return len(self._queue)
