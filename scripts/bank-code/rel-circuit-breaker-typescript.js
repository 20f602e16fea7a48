// Check for rel-circuit-breaker-typescript (now JavaScript) with a fake clock: trips after N
// consecutive failures, fails fast while open (no call), half-open limits trials, success closes,
// failure re-opens and restarts the timer, 4xx do not count, stale results are ignored, and the
// getPrice wrapper falls back and enforces a timeout.
import assert from "node:assert/strict";

let now = 1_000;
const clock = () => now;
const boom = () => Promise.reject(new Error("503"));
const ok = (v = "ok") => () => Promise.resolve(v);

const b = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, halfOpenMaxCalls: 1 }, clock);
assert.equal(await b.exec(ok()), "ok");
for (let i = 0; i < 2; i++) await assert.rejects(b.exec(boom), /503/);
await b.exec(ok());                                  // success resets the count
for (let i = 0; i < 2; i++) await assert.rejects(b.exec(boom), /503/);
assert.equal(b.currentState, "closed", "2 consecutive failures are below the threshold");
await assert.rejects(b.exec(boom), /503/);
assert.equal(b.currentState, "open");

let called = 0;
const counting = () => { called++; return Promise.resolve("x"); };
await assert.rejects(b.exec(counting), CircuitOpenError);
now += 999;
await assert.rejects(b.exec(counting), { name: "CircuitOpenError" });
assert.equal(called, 0, "open: the dependency is not called");

// Half-open: one trial at a time; a failure re-opens and restarts the timer.
now += 1;
let release;
const slowTrial = b.exec(() => new Promise((r) => (release = r)));
assert.equal(b.currentState, "half-open");
await assert.rejects(b.exec(counting), CircuitOpenError, "only one trial in flight");
assert.equal(called, 0);
release("fine");
assert.equal(await slowTrial, "fine");
assert.equal(b.currentState, "closed", "successful trial closes");
for (let i = 0; i < 3; i++) await assert.rejects(b.exec(boom));
now += 1000;
await assert.rejects(b.exec(boom), /503/);         // the trial fails
assert.equal(b.currentState, "open", "failed trial re-opens");
now += 500;
await assert.rejects(b.exec(counting), CircuitOpenError, "timer restarted at the failed trial");
now += 500;
assert.equal(await b.exec(counting), "x");
assert.equal(b.currentState, "closed");

// A call that started while closed and fails after the breaker opened does not count twice.
const b2 = new CircuitBreaker({ failureThreshold: 2, openMs: 1000, halfOpenMaxCalls: 1 }, clock);
let lateReject;
const late = b2.exec(() => new Promise((_, rej) => (lateReject = rej)));
await assert.rejects(b2.exec(boom));
await assert.rejects(b2.exec(boom));
assert.equal(b2.currentState, "open");
now += 1000;
let trialRelease;
const trial = b2.exec(() => new Promise((r) => (trialRelease = r)));
lateReject(new Error("late"));
await assert.rejects(late, /late/);
assert.equal(b2.currentState, "half-open", "a stale failure must not re-trip the breaker");
trialRelease(1);
await trial;
assert.equal(b2.currentState, "closed");

// Errors the predicate says are not failures (4xx) do not trip it; sync throws are handled.
const b3 = new CircuitBreaker({ failureThreshold: 2, openMs: 1000, halfOpenMaxCalls: 1,
  isFailure: (e) => !(e instanceof HttpError && e.status < 500) }, clock);
for (let i = 0; i < 5; i++) await assert.rejects(b3.exec(() => Promise.reject(new HttpError(404))), HttpError);
assert.equal(b3.currentState, "closed", "404s do not trip");
await assert.rejects(b3.exec(() => { throw new HttpError(502); }));
await assert.rejects(b3.exec(() => { throw new TypeError("socket hang up"); }));
assert.equal(b3.currentState, "open", "5xx and network errors trip");

// getPrice: fallback when open, timeout turns a hung call into a failure.
const calls = [];
const client = {
  getPrice(sku, { signal }) {
    calls.push(sku);
    return new Promise((resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  },
};
const getPrice = makeGetPrice(client, (sku) => `cached:${sku}`);
const keepLoopAlive = setInterval(() => {}, 1000);  // AbortSignal.timeout timers are unref'd
const t0 = performance.now();
await assert.rejects(getPrice("a"), { name: "TimeoutError" });
const took = performance.now() - t0;
assert.ok(took >= 790 && took < 1200, `800 ms timeout, took ${took}`);
await Promise.all([1, 2, 3, 4].map(() => assert.rejects(getPrice("a"), { name: "TimeoutError" })));
assert.equal(calls.length, 5);
assert.equal(await getPrice("b"), "cached:b", "open: fallback without calling the client");
assert.equal(calls.length, 5);
clearInterval(keepLoopAlive);
console.log("rel-circuit-breaker-typescript: ok");
