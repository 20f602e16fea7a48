# Check for py-taskgroup-cancellation: required vs optional calls, the optional call's own
# timeout, sibling cancellation, except* mapping, the overall deadline and resource cleanup.
import asyncio
import time

from answer import OrderNotFound, load_order_page


class Pool:
    def __init__(self, delay=0.0, error=None):
        self.delay, self.error = delay, error
        self.out = 0
        self.acquired = 0
        self.cancelled = False

    async def acquire(self):
        self.out += 1
        self.acquired += 1
        return self

    async def release(self, conn):
        assert conn is self
        self.out -= 1

    async def fetch(self, sql, *args):
        assert "$1" in sql and args == ("o-1",)
        try:
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        if self.error:
            raise self.error
        return [{"sku": "A", "qty": 2}]


class Orders:
    def __init__(self, delay=0.0, error=None):
        self.delay, self.error, self.cancelled = delay, error, False

    async def get(self, order_id):
        try:
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        if self.error:
            raise self.error
        return {"id": order_id}


class Recs:
    def __init__(self, delay=0.0, error=None):
        self.delay, self.error, self.cancelled = delay, error, False

    async def for_order(self, order_id):
        try:
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        if self.error:
            raise self.error
        return ["rec-1"]


async def run(orders, recs, pool, **kw):
    kw.setdefault("deadline_s", 0.5)
    kw.setdefault("optional_s", 0.2)
    return await load_order_page("o-1", orders, recs, pool, **kw)


async def main():
    # Happy path.
    page = await run(Orders(0.01), Recs(0.01), Pool(0.01))
    assert page == {"order": {"id": "o-1"}, "items": [{"sku": "A", "qty": 2}], "recommendations": ["rec-1"]}

    # Optional call fails: default, page still served.
    pool = Pool()
    page = await run(Orders(), Recs(error=ConnectionError("recs down")), pool)
    assert page["recommendations"] == [] and page["order"] == {"id": "o-1"} and pool.out == 0

    # Optional call hangs: its own timeout gives the default well before the page deadline.
    recs = Recs(delay=10)
    t0 = time.monotonic()
    page = await run(Orders(0.01), recs, Pool(0.01), deadline_s=0.5, optional_s=0.1)
    took = time.monotonic() - t0
    assert page["recommendations"] == [] and recs.cancelled, "hanging optional call cut off"
    assert took < 0.3, f"page waited {took:.2f}s for an optional call"

    # Required call not found: OrderNotFound, and the sibling required call is cancelled and cleaned up.
    pool, recs = Pool(delay=10), Recs(delay=10)
    try:
        await run(Orders(error=KeyError("o-1")), recs, pool)
    except OrderNotFound as e:
        assert isinstance(e.__cause__, KeyError)
    else:
        raise AssertionError("expected OrderNotFound")
    assert pool.cancelled and pool.out == 0 and recs.cancelled, "siblings cancelled, connection released"

    # Other failures surface as an ExceptionGroup with the real error.
    try:
        await run(Orders(delay=10), Recs(), Pool(error=RuntimeError("db down")))
    except* RuntimeError as eg:
        assert str(eg.exceptions[0]) == "db down"
    else:
        raise AssertionError("expected an ExceptionGroup")

    # A required call hangs: TimeoutError at the page deadline, everything cancelled and released.
    pool, orders = Pool(delay=10), Orders(delay=10)
    t0 = time.monotonic()
    try:
        await run(orders, Recs(delay=10), pool, deadline_s=0.2, optional_s=0.1)
    except TimeoutError:
        pass
    else:
        raise AssertionError("expected TimeoutError")
    took = time.monotonic() - t0
    assert 0.15 < took < 0.4, took
    assert orders.cancelled and pool.cancelled and pool.out == 0

    # The caller cancels (client went away): CancelledError propagates, nothing swallowed it.
    pool, recs = Pool(delay=10), Recs(delay=10)
    task = asyncio.create_task(run(Orders(delay=10), recs, pool, deadline_s=5, optional_s=5))
    await asyncio.sleep(0.05)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("cancellation was swallowed")
    assert pool.out == 0 and recs.cancelled, "optional() must not swallow CancelledError"
    print("py-taskgroup-cancellation: ok")


asyncio.run(main())
