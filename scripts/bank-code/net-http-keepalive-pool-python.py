"""Check for net-http-keepalive-pool-python: connection reuse, per-host cap under
concurrency, acquire timeout, idle expiry and max lifetime (injected clock), idle
connections closed by the server, the close race (GET retried once, POST not),
Connection: close, partial bodies, read timeouts, fresh-connection failures, bad input, close().
Loopback only: a small HTTP/1.1 server on 127.0.0.1 with scripted behaviour."""
import http.client
import socket
import socketserver
import threading
import time

from answer import KeepAlivePool, PoolClosed, PoolTimeout


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.connections = 0
        self.active = 0
        self.peak = 0
        self.requests = []           # (conn_no, req_no_on_conn, method, path)
        self.policy = lambda conn_no, req_no, method, path: "ok"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self):
        return self.server_address[1]

    def reset(self, policy=None):
        with self.lock:
            self.connections = self.peak = 0
            self.requests = []
        self.policy = policy or (lambda *a: "ok")


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        srv = self.server
        with srv.lock:
            srv.connections += 1
            conn_no = srv.connections
            srv.active += 1
            srv.peak = max(srv.peak, srv.active)
        try:
            req_no = 0
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                method, path, _ = line.decode().split(" ", 2)
                length = 0
                while True:
                    h = self.rfile.readline()
                    if h in (b"\r\n", b""):
                        break
                    name, _, value = h.decode().partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                if length:
                    self.rfile.read(length)
                req_no += 1
                with srv.lock:
                    srv.requests.append((conn_no, req_no, method, path))
                action = srv.policy(conn_no, req_no, method, path)
                if action == "drop":                  # read the request, close without answering
                    return
                if action.startswith("slow"):
                    time.sleep(float(action.split(":")[1]))
                body = f"{method} {path} c{conn_no} r{req_no}".encode()
                if action == "partial":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + body[:5])
                    self.wfile.flush()
                    return
                extra = b"Connection: close\r\n" if action == "close" else b""
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n" % (len(body), extra) + body)
                self.wfile.flush()
                if action in ("close", "idle-close"):  # idle-close: keep-alive promised, then closed
                    return
        finally:
            with srv.lock:
                srv.active -= 1


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def expect(exc, fn):
    try:
        fn()
    except exc as e:
        return e
    raise AssertionError(f"expected {exc}")


srv = Server()
H, P = "127.0.0.1", srv.port

# 1. Reuse: ten sequential requests over one TCP connection.
pool = KeepAlivePool(max_per_host=4)
for i in range(10):
    r = pool.request("GET", H, P, f"/r{i}")
    assert r.status == 200 and r.body.startswith(f"GET /r{i} c1".encode()), r
assert srv.connections == 1, srv.connections
assert pool.stats(H, P) == {"open": 1, "idle": 1}
pool.close()

# 2. Cap under concurrency: 8 threads, max 2 per host -> server never sees more than 2.
srv.reset(lambda c, n, m, p: "slow:0.05")
pool = KeepAlivePool(max_per_host=2, acquire_timeout=5)
errors, results = [], []
def worker(i):
    try:
        for j in range(3):
            results.append(pool.request("GET", H, P, f"/t{i}-{j}").status)
    except Exception as e:  # noqa: BLE001
        errors.append(e)
threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
assert not errors, errors
assert results == [200] * 24
assert srv.peak <= 2 and srv.connections == 2, (srv.peak, srv.connections)
assert pool.stats(H, P) == {"open": 2, "idle": 2}
pool.close()

# 3. Acquire timeout: the only connection is busy for 0.6 s.
srv.reset(lambda c, n, m, p: "slow:0.6" if p == "/slow" else "ok")
pool = KeepAlivePool(max_per_host=1, acquire_timeout=0.15)
t = threading.Thread(target=lambda: pool.request("GET", H, P, "/slow"))
t.start()
time.sleep(0.1)
start = time.monotonic()
expect(PoolTimeout, lambda: pool.request("GET", H, P, "/fast"))
assert time.monotonic() - start < 0.5
t.join()
assert pool.request("GET", H, P, "/after").status == 200   # slot came back
assert pool.stats(H, P)["open"] == 1
pool.close()

# 4. Idle expiry and max lifetime with an injected clock.
srv.reset()
clock = Clock()
pool = KeepAlivePool(idle_timeout=30, max_lifetime=100, clock=clock)
pool.request("GET", H, P, "/a")
clock.t += 29
pool.request("GET", H, P, "/b")
assert srv.connections == 1
clock.t += 31                       # idle longer than idle_timeout
pool.request("GET", H, P, "/c")
assert srv.connections == 2, srv.connections
for _ in range(4):                  # never idle long, but older than max_lifetime in the end
    clock.t += 25
    pool.request("GET", H, P, "/d")
assert srv.connections == 3, srv.connections
assert pool.stats(H, P) == {"open": 1, "idle": 1}
pool.close()

# 5. The server closed an idle connection (keep-alive promised): detected, no error.
srv.reset(lambda c, n, m, p: "idle-close")
pool = KeepAlivePool()
pool.request("GET", H, P, "/1")
time.sleep(0.05)                    # let the FIN arrive
# Detected before sending, so even a POST (never retried) goes out on a fresh connection.
assert pool.request("POST", H, P, "/2", body=b"x").status == 200
assert srv.connections == 2 and len(srv.requests) == 2
pool.close()

# 6. The close race: the server reads a request on a reused connection and closes.
def race(c, n, m, p):
    return "drop" if n == 2 else "ok"   # second request on any connection is dropped
srv.reset(race)
pool = KeepAlivePool()
pool.request("GET", H, P, "/warm")
r = pool.request("GET", H, P, "/retry-me")      # dropped on conn 1, retried on a fresh conn 2
assert r.status == 200 and b"c2 r1" in r.body, r.body
assert [x[3] for x in srv.requests] == ["/warm", "/retry-me", "/retry-me"], srv.requests
# POST is not retried: it may have been processed.
e = expect(ConnectionError, lambda: pool.request("POST", H, P, "/charge", body=b"x"))
posts = [x for x in srv.requests if x[3] == "/charge"]
assert len(posts) == 1, posts
# ...unless the caller says it is safe (idempotency key).
pool.request("GET", H, P, "/warm2")
before = srv.connections
r = pool.request("POST", H, P, "/charge-key", body=b"x", headers={"Idempotency-Key": "k1"}, retry_safe=True)
assert r.status == 200 and srv.connections == before + 1
assert pool.stats(H, P)["open"] == pool.stats(H, P)["idle"]   # nothing leaked
pool.close()

# 7. A failure on a fresh connection is not retried (it is not a stale-connection race).
srv.reset(lambda c, n, m, p: "drop")
pool = KeepAlivePool()
expect(ConnectionError, lambda: pool.request("GET", H, P, "/down"))
assert len(srv.requests) == 1, srv.requests
assert pool.stats(H, P) == {"open": 0, "idle": 0}
pool.close()

# 8. Connection: close is honoured: the connection is not reused.
srv.reset(lambda c, n, m, p: "close")
pool = KeepAlivePool()
for i in range(3):
    assert pool.request("GET", H, P, f"/c{i}").status == 200
assert srv.connections == 3
assert pool.stats(H, P) == {"open": 0, "idle": 0}
pool.close()

# 9. Partial body: error raised, connection discarded, slot freed, no retry.
srv.reset(lambda c, n, m, p: "partial" if p == "/partial" else "ok")
pool = KeepAlivePool(max_per_host=1, acquire_timeout=0.2)
expect(http.client.IncompleteRead, lambda: pool.request("GET", H, P, "/partial"))
assert [x[3] for x in srv.requests] == ["/partial"]
assert pool.stats(H, P) == {"open": 0, "idle": 0}
assert pool.request("GET", H, P, "/next").status == 200
pool.close()

# 9b. A read timeout on a reused connection is not retried, even for a GET: the server
# may be processing it. The connection is discarded and the slot freed.
srv.reset(lambda c, n, m, p: "slow:0.5" if p == "/hang" else "ok")
pool = KeepAlivePool(max_per_host=1, read_timeout=0.15, acquire_timeout=0.2)
pool.request("GET", H, P, "/warm")
start = time.monotonic()
expect(TimeoutError, lambda: pool.request("GET", H, P, "/hang"))
assert time.monotonic() - start < 0.45
assert [x[3] for x in srv.requests] == ["/warm", "/hang"], srv.requests
assert pool.stats(H, P) == {"open": 0, "idle": 0}
time.sleep(0.4)                     # let the slow handler finish
assert pool.request("GET", H, P, "/next").status == 200
pool.close()

# 10. Connect failure frees the slot; bad configuration is rejected.
s = socket.socket()
s.bind(("127.0.0.1", 0))
dead_port = s.getsockname()[1]
s.close()
pool = KeepAlivePool(max_per_host=1)
expect(ConnectionRefusedError, lambda: pool.request("GET", H, dead_port, "/"))
assert pool.stats(H, dead_port) == {"open": 0, "idle": 0}
expect(ValueError, lambda: KeepAlivePool(max_per_host=0))
expect(ValueError, lambda: KeepAlivePool(idle_timeout=0))

# 11. close(): idle connections closed, further use refused.
srv.reset()
pool = KeepAlivePool()
pool.request("GET", H, P, "/x")
pool.close()
expect(PoolClosed, lambda: pool.request("GET", H, P, "/y"))
time.sleep(0.05)
assert srv.active == 0, srv.active

srv.shutdown()
print("net-http-keepalive-pool-python: all checks passed")
