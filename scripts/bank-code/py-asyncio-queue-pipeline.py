# bank-code: needs python:httpx
# Check for py-asyncio-queue-pipeline: every record processed, bounded queue (backpressure),
# per-record failures collected, clean shutdown on source failure and on caller cancellation,
# and the paginated source.
import asyncio

import httpx

from answer import pages, run_pipeline


def leftover_tasks():
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]


class Source:
    def __init__(self, n, fail_at=None):
        self.n, self.fail_at, self.pulled = n, fail_at, 0

    async def __aiter__(self):
        for i in range(self.n):
            if i == self.fail_at:
                raise ConnectionError("source broke")
            self.pulled += 1
            yield i


async def main():
    # All records processed, concurrency bounded by workers, queue bounded.
    src = Source(200)
    done, active, peak, ahead = [], [0], [0], [0]

    async def handle(r):
        active[0] += 1
        peak[0] = max(peak[0], active[0])
        ahead[0] = max(ahead[0], src.pulled - len(done))
        await asyncio.sleep(0.001)
        active[0] -= 1
        done.append(r)

    failed = await run_pipeline(src.__aiter__(), handle, workers=4, maxsize=10)
    assert failed == [] and sorted(done) == list(range(200))
    assert peak[0] == 4, f"{peak[0]} handlers at once, want 4"
    assert ahead[0] <= 10 + 4 + 1, f"producer ran {ahead[0]} records ahead: the queue is not bounded"
    assert leftover_tasks() == [], "workers left running"

    # Per-record failures are collected; workers survive them and the rest is processed.
    done.clear()

    async def flaky(r):
        await asyncio.sleep(0)
        if r % 7 == 0:
            raise ValueError(f"bad record {r}")
        done.append(r)

    failed = await run_pipeline(Source(50).__aiter__(), flaky, workers=3, maxsize=5)
    assert sorted(failed) == [r for r in range(50) if r % 7 == 0], failed
    assert sorted(done) == [r for r in range(50) if r % 7], "a failure must not kill a worker"
    assert leftover_tasks() == []

    # Source fails midway: the error reaches the caller, workers are cancelled, nothing hangs.
    src = Source(100, fail_at=30)
    try:
        await asyncio.wait_for(run_pipeline(src.__aiter__(), flaky, workers=3, maxsize=5), 5)
    except ConnectionError:
        pass
    else:
        raise AssertionError("source error must propagate")
    assert leftover_tasks() == [], "workers must be cancelled after a source failure"

    # Caller cancellation: run_pipeline cancelled while handlers are busy.
    started = []

    async def slow(r):
        started.append(r)
        await asyncio.sleep(10)

    task = asyncio.create_task(run_pipeline(Source(1000).__aiter__(), slow, workers=2, maxsize=3))
    await asyncio.sleep(0.05)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("cancellation must propagate")
    assert len(started) == 2 and leftover_tasks() == []

    # Empty source.
    assert await run_pipeline(Source(0).__aiter__(), flaky) == []

    # The paginated source follows next_cursor and stops at the last page; HTTP errors raise.
    seen = []

    def api(request):
        cursor = request.url.params.get("cursor")
        seen.append(cursor)
        if cursor is None:
            return httpx.Response(200, json={"items": [1, 2], "next_cursor": "c2"})
        if cursor == "c2":
            return httpx.Response(200, json={"items": [3], "next_cursor": "c3"})
        if cursor == "c3":
            return httpx.Response(200, json={"items": [], "next_cursor": None})
        return httpx.Response(500)

    async with httpx.AsyncClient(transport=httpx.MockTransport(api), base_url="https://src.test") as c:
        items = [i async for i in pages(c, "/records")]
        assert items == [1, 2, 3] and seen == [None, "c2", "c3"], (items, seen)

    def broken(request):
        if request.url.params.get("cursor"):
            return httpx.Response(503)
        return httpx.Response(200, json={"items": [1], "next_cursor": "x"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(broken), base_url="https://src.test") as c:
        got = []

        async def keep(r):
            got.append(r)

        try:
            await run_pipeline(pages(c, "/records"), keep, workers=2)
        except httpx.HTTPStatusError as e:
            assert e.response.status_code == 503
        else:
            raise AssertionError("a failing page must stop the pipeline")
        assert leftover_tasks() == []
    print("py-asyncio-queue-pipeline: ok")


asyncio.run(main())
