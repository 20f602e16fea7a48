// Check for node-bounded-concurrency-map: never more than `limit` in flight (and the limit is
// used), results in input order, fail fast (no new work after an error), abort via signal, bad
// limits, empty input.
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";

{
  let active = 0, peak = 0;
  const items = Array.from({ length: 100 }, (_, i) => i);
  const out = await mapLimit(items, 10, async (x, i) => {
    assert.equal(x, i);
    active++;
    peak = Math.max(peak, active);
    await delay(1 + ((x * 7) % 5));   // finish out of order
    active--;
    return x * 2;
  });
  assert.deepEqual(out, items.map((x) => x * 2), "results in input order");
  assert.equal(peak, 10, `peak concurrency ${peak}, want exactly 10`);
}

{
  // Fewer items than the limit; empty input.
  assert.deepEqual(await mapLimit([1, 2], 10, async (x) => x + 1), [2, 3]);
  assert.deepEqual(await mapLimit([], 10, async () => { throw new Error("never"); }), []);
}

{
  // Fail fast: the first error rejects, in-flight calls finish, nothing new starts.
  const started = [];
  let finished = 0;
  const err = await mapLimit(Array.from({ length: 50 }, (_, i) => i), 3, async (x) => {
    started.push(x);
    await delay(5);
    finished++;
    if (x === 4) throw new Error("user 4: HTTP 500");
    return x;
  }).then(() => null, (e) => e);
  assert.equal(err?.message, "user 4: HTTP 500");
  const startedAtFailure = started.length;
  await delay(50);
  assert.equal(started.length, startedAtFailure, "no new work after the failure");
  assert.ok(startedAtFailure <= 7, `started ${startedAtFailure} items before failing fast`);
}

{
  // Abort: no new items after the signal fires; fn receives the signal to cancel its own work.
  const ac = new AbortController();
  const started = [];
  setTimeout(() => ac.abort(new Error("client went away")), 30);
  const err = await mapLimit(Array.from({ length: 1000 }, (_, i) => i), 4, async (x, i, signal) => {
    started.push(x);
    assert.equal(signal, ac.signal, "fn gets the caller's signal");
    await delay(10, undefined, { signal }).catch(() => {});
    return x;
  }, { signal: ac.signal }).then(() => null, (e) => e);
  assert.equal(err?.message, "client went away");
  assert.ok(started.length < 40, `started ${started.length} items despite abort`);
  const n = started.length;
  await delay(40);
  assert.equal(started.length, n, "nothing starts after abort");
  const pre = AbortSignal.abort();
  await assert.rejects(mapLimit([1], 1, async (x) => x, { signal: pre }), { name: "AbortError" });
}

for (const bad of [0, -1, 1.5, NaN, "10", undefined]) {
  await assert.rejects(mapLimit([1], bad, async (x) => x), RangeError, `limit ${bad}`);
}
console.log("node-bounded-concurrency-map: ok");
