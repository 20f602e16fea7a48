// Check for node-promise-combinators-timeout with a fake global fetch that honours AbortSignal:
// calls run in parallel, per-call timeouts really abort, the required call fails the request,
// optional failures degrade (and are logged), the caller's signal cancels all three.
import assert from "node:assert/strict";
// Static imports run before the module body, so the answer's top-level code sees this variable.
import "data:text/javascript,process.env.API_BASE_URL='https://api.test'";

const calls = [];
let behaviour = {};
globalThis.fetch = (url, { signal } = {}) => {
  assert.ok(String(url).startsWith("https://api.test/"), url);
  const path = new URL(url).pathname;
  const call = { path, aborted: false, reason: undefined };
  calls.push(call);
  const b = behaviour[path.split("/")[1] === "recs" ? "recs" : path.endsWith("/orders") ? "orders" : "profile"] ?? {};
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      if (b.fail) return reject(new TypeError("fetch failed"));
      const status = b.status ?? 200;
      const body = JSON.stringify(b.body ?? { path });
      resolve(new Response(body, { status, headers: { "content-type": "application/json" } }));
    }, b.ms ?? 10);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      call.aborted = true;
      call.reason = signal.reason;
      reject(signal.reason);
    }, { once: true });
  });
};
const warnings = [];
console.warn = (m) => warnings.push(JSON.parse(m));

async function run(b, signal) {
  behaviour = b;
  calls.length = 0;
  warnings.length = 0;
  const t0 = performance.now();
  try {
    return { value: await dashboard("u1", signal), ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

// All good, in parallel.
let r = await run({ profile: { ms: 60, body: { name: "Ada" } }, orders: { ms: 60, body: [1] }, recs: { ms: 60, body: ["r"] } });
assert.deepEqual(r.value, { profile: { name: "Ada" }, orders: [1], recommendations: ["r"], degraded: false });
assert.ok(r.ms < 150, `three 60 ms calls in parallel took ${r.ms} ms`);
assert.deepEqual(calls.map((c) => c.path).sort(), ["/recs/u1", "/users/u1", "/users/u1/orders"]);
assert.equal(warnings.length, 0);

// Optional recs too slow: aborted at 300 ms (TimeoutError), response degraded and logged.
r = await run({ profile: { ms: 20 }, orders: { ms: 20, body: [7] }, recs: { ms: 5_000 } });
assert.equal(r.value.degraded, true);
assert.deepEqual(r.value.recommendations, []);
assert.deepEqual(r.value.orders, [7]);
const recCall = calls.find((c) => c.path === "/recs/u1");
assert.ok(recCall.aborted && recCall.reason.name === "TimeoutError", "the slow fetch is really aborted");
assert.ok(r.ms >= 290 && r.ms < 450, `recs timeout at ~300 ms, took ${r.ms}`);
assert.equal(warnings.length, 1);
assert.equal(warnings[0].call, "recs");

// Optional orders returns 503: degraded, logged with the reason.
r = await run({ orders: { status: 503 } });
assert.equal(r.value.degraded, true);
assert.deepEqual(r.value.orders, []);
assert.match(warnings[0].error, /HTTP 503/);

// Required profile fails: the whole request fails, with the cause.
r = await run({ profile: { status: 404 } });
assert.match(r.error?.message ?? "", /\/users\/u1: HTTP 404/);
r = await run({ profile: { fail: true } });
assert.equal(r.error?.message, "fetch failed");
r = await run({ profile: { ms: 5_000 } });
assert.equal(r.error?.name, "TimeoutError", "profile timeout");
assert.ok(r.ms >= 790 && r.ms < 1000, `profile timeout at ~800 ms, took ${r.ms}`);

// The caller's signal (client disconnected) aborts all three calls at once.
const ac = new AbortController();
setTimeout(() => ac.abort(new Error("client closed")), 50);
r = await run({ profile: { ms: 700 }, orders: { ms: 450 }, recs: { ms: 250 } }, ac.signal);
assert.equal(r.error?.message, "client closed");
assert.ok(r.ms < 150, `aborted after ${r.ms} ms`);
assert.ok(calls.every((c) => c.aborted && c.reason?.message === "client closed"), "every call aborted");
console.log("node-promise-combinators-timeout: ok");
