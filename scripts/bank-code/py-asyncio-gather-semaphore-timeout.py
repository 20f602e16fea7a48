# bank-code: needs python:httpx
# Check for py-asyncio-gather-semaphore-timeout: bounded concurrency, per-call timeouts, an overall
# deadline that keeps finished results, per-URL failure reporting, and caller cancellation.
import asyncio
import json
import time

import httpx

from answer import DeadlineExceeded, fetch_all


class Server:
    """An httpx.MockTransport handler that records how many requests are in flight."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.in_flight = 0
        self.max_in_flight = 0
        self.started = 0
        self.cancelled = 0

    async def __call__(self, request):
        self.in_flight += 1
        self.started += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self.behaviour(request)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1


def item(request):
    return int(request.url.path.rsplit("/", 1)[1])


async def mixed(request):
    i = item(request)
    if i % 10 == 0:
        await asyncio.sleep(5)  # hangs: per-call timeout
    if i % 10 == 1:
        return httpx.Response(503, json={"error": "busy"})
    if i % 10 == 2:
        return httpx.Response(200, content=b"{not json")
    if i % 10 == 3:
        raise httpx.ConnectError("connection refused", request=request)
    await asyncio.sleep(0.01)
    return httpx.Response(200, json={"id": i})


async def slow(request):
    await asyncio.sleep(0.1)
    return httpx.Response(200, json={"id": item(request)})


def urls(n):
    return [f"https://api.test/items/{i}" for i in range(n)]


async def scenario_mixed():
    server = Server(mixed)
    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as client:
        t0 = time.monotonic()
        ok, failed = await fetch_all(urls(60), limit=5, per_call_s=0.2, total_s=5, client=client)
        took = time.monotonic() - t0
    assert server.max_in_flight <= 5, f"{server.max_in_flight} requests in flight, limit 5"
    assert server.max_in_flight == 5, "the limit should be used, not serialised"
    assert len(ok) + len(failed) == 60 and not set(ok) & set(failed), "every URL reported exactly once"
    for u in urls(60):
        i = int(u.rsplit("/", 1)[1])
        if i % 10 == 0:
            assert isinstance(failed[u], TimeoutError) and not isinstance(failed[u], DeadlineExceeded), failed[u]
        elif i % 10 == 1:
            assert isinstance(failed[u], httpx.HTTPStatusError), failed[u]
            assert failed[u].response.status_code == 503
        elif i % 10 == 2:
            assert isinstance(failed[u], json.JSONDecodeError), failed[u]
        elif i % 10 == 3:
            assert isinstance(failed[u], httpx.ConnectError), failed[u]
        else:
            assert ok[u] == {"id": i}, ok.get(u)
    assert took < 2, f"per-call timeouts should bound the run, took {took:.2f}s"
    assert server.in_flight == 0


async def scenario_deadline():
    server = Server(slow)
    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as client:
        t0 = time.monotonic()
        ok, failed = await fetch_all(urls(40), limit=4, per_call_s=1.0, total_s=0.35, client=client)
        took = time.monotonic() - t0
    # about three waves of four finish before the deadline; the rest must be reported, not lost
    assert 8 <= len(ok) <= 16, f"{len(ok)} finished before the deadline"
    assert len(ok) + len(failed) == 40
    assert all(isinstance(e, DeadlineExceeded) for e in failed.values()), set(map(type, failed.values()))
    assert all(v == {"id": int(u.rsplit("/", 1)[1])} for u, v in ok.items())
    assert took < 0.6, f"deadline 0.35s but fetch_all took {took:.2f}s"
    assert server.in_flight == 0, "requests still running after the deadline"
    assert server.cancelled >= 1, "in-flight requests are cancelled at the deadline"


async def scenario_cancel():
    server = Server(slow)
    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as client:
        task = asyncio.create_task(fetch_all(urls(20), limit=3, per_call_s=1, total_s=10, client=client))
        await asyncio.sleep(0.15)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        else:
            raise AssertionError("cancelling the caller must propagate, not be reported as URL failures")
        await asyncio.sleep(0)
        assert server.in_flight == 0, "children cancelled with the caller"
        assert server.started < 20, "queued URLs never started after cancellation"


async def scenario_bad_input():
    for kwargs in ({"limit": 0}, {"per_call_s": 0}, {"total_s": -1}):
        try:
            await fetch_all(urls(1), **kwargs)
        except ValueError:
            continue
        raise AssertionError(f"{kwargs} accepted")
    ok, failed = await fetch_all([], client=httpx.AsyncClient(transport=httpx.MockTransport(slow)))
    assert ok == {} and failed == {}


async def main():
    await scenario_mixed()
    await scenario_deadline()
    await scenario_cancel()
    await scenario_bad_input()
    print("py-asyncio-gather-semaphore-timeout: ok")


asyncio.run(main())
