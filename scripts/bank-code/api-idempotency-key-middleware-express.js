// Check for api-idempotency-key-middleware-express (Express stand-in; an in-memory Redis with
// SET NX PX / GET / DEL and a controllable clock): replay of status and body, one execution for
// concurrent duplicates (409 + Retry-After), 422 for a reused key with another body, 5xx releases
// the key, keys scoped per principal and path, bad keys, Redis failures, lock and replay expiry.
import assert from "node:assert/strict";
import * as nodeHttp from "node:http";
import expressFake from "express";

class FakeRedis {
  constructor() { this.m = new Map(); this.now = 0; this.down = false; }
  live(k) { const e = this.m.get(k); if (e && e.exp !== undefined && e.exp <= this.now) this.m.delete(k); return this.m.get(k); }
  async set(k, v, opts = {}) {
    if (this.down) throw new Error("ECONNREFUSED");
    await null;
    if (opts.NX && this.live(k)) return null;
    this.m.set(k, { v, exp: opts.PX !== undefined ? this.now + opts.PX : undefined });
    return "OK";
  }
  async get(k) { if (this.down) throw new Error("ECONNREFUSED"); await null; return this.live(k)?.v ?? null; }
  async del(k) { if (this.down) throw new Error("ECONNREFUSED"); await null; return this.m.delete(k) ? 1 : 0; }
}

const redis = new FakeRedis();
const runs = [];
let gate = null;
const app = expressFake();
app.use(expressFake.json());
app.use((req, res, next) => { res.locals.principalId = req.header("x-user") ?? "u1"; next(); });
app.use(idempotency(redis));
app.post("/payments", async (req, res, next) => {
  try {
    runs.push(req.body);
    if (gate) await gate;
    if (req.body.amount < 0) return res.status(400).json({ error: "negative amount" });
    if (req.body.amount === 500) return res.status(503).json({ error: "psp down" });
    if (req.body.amount === 666) throw new Error("handler bug");
    res.status(201).json({ id: `pay_${runs.length}`, amount: req.body.amount });
  } catch (err) { next(err); }
});
app.post("/refunds", (req, res) => { runs.push(req.body); res.status(201).json({ refund: true }); });
app.get("/payments", (req, res) => { runs.push("get"); res.json([]); });
app.use((err, req, res, next) => res.status(500).json({ error: "internal" }));  // answers through res.json

const server = app.listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const port = server.address().port;
function post(path, body, headers = {}, method = "POST") {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? "" : JSON.stringify(body);
    const req = nodeHttp.request({ host: "127.0.0.1", port, path, method, agent: false,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data), ...headers } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : null }));
    });
    req.on("error", reject);
    req.end(data);
  });
}
const K = (k) => ({ "idempotency-key": k });

// First call runs; a retry gets the same status and body without running again.
let a = await post("/payments", { amount: 10 }, K("key-1"));
assert.equal(a.status, 201);
let b = await post("/payments", { amount: 10 }, K("key-1"));
assert.equal(b.status, 201);
assert.deepEqual(b.body, a.body);
assert.equal(b.headers["idempotent-replayed"], "true");
assert.equal(runs.length, 1, "the retry must not execute again");

// Same key, different body: 422 problem details, nothing executed.
let c = await post("/payments", { amount: 11 }, K("key-1"));
assert.equal(c.status, 422);
assert.match(c.headers["content-type"], /^application\/problem\+json/);
assert.equal(c.body.status, 422);
assert.equal(runs.length, 1);

// Concurrent duplicates: exactly one execution; the others get 409 + Retry-After; then a replay.
let release;
gate = new Promise((r) => (release = r));
const dupes = Promise.all(Array.from({ length: 5 }, () => post("/payments", { amount: 20 }, K("key-2"))));
await new Promise((r) => setTimeout(r, 100));
release();
gate = null;
const results = await dupes;
assert.equal(results.filter((r) => r.status === 201).length, 1, results.map((r) => r.status).join(","));
for (const r of results.filter((r) => r.status !== 201)) {
  assert.equal(r.status, 409);
  assert.equal(r.headers["retry-after"], "1");
}
assert.equal(runs.length, 2, "one execution for five concurrent duplicates");
const replay = await post("/payments", { amount: 20 }, K("key-2"));
assert.equal(replay.status, 201);
assert.deepEqual(replay.body, results.find((r) => r.status === 201).body);
// A retry right after the response (no delay) already replays: the store is written first.
const first = await post("/payments", { amount: 21 }, K("key-2b"));
const immediate = await post("/payments", { amount: 21 }, K("key-2b"));
assert.equal(immediate.status, 201);
assert.deepEqual(immediate.body, first.body);

// 4xx results are replayed too; 5xx releases the key so the retry really runs again.
const n0 = runs.length;
assert.equal((await post("/payments", { amount: -1 }, K("key-3"))).status, 400);
assert.equal((await post("/payments", { amount: -1 }, K("key-3"))).status, 400);
assert.equal(runs.length, n0 + 1, "a 400 is replayed, not re-executed");
assert.equal((await post("/payments", { amount: 500 }, K("key-4"))).status, 503);
assert.equal((await post("/payments", { amount: 500 }, K("key-4"))).status, 503);
assert.equal(runs.length, n0 + 3, "a 503 releases the key");
// A thrown handler error answered by the error handler through res.json also releases it.
assert.equal((await post("/payments", { amount: 666 }, K("key-5"))).status, 500);
assert.equal((await post("/payments", { amount: 666 }, K("key-5"))).status, 500);
assert.equal(runs.length, n0 + 5);

// Scope: other principals and other paths with the same key are independent.
const n1 = runs.length;
assert.equal((await post("/payments", { amount: 10 }, { ...K("key-1"), "x-user": "u2" })).status, 201);
assert.equal((await post("/refunds", { amount: 10 }, K("key-1"))).status, 201);
assert.equal(runs.length, n1 + 2);

// No key: every call executes; GET untouched; over-long key rejected.
const n2 = runs.length;
await post("/payments", { amount: 1 });
await post("/payments", { amount: 1 });
assert.equal(runs.length, n2 + 2);
assert.equal((await post("/payments", undefined, K("key-1"), "GET")).status, 200);
const long = await post("/payments", { amount: 1 }, K("x".repeat(201)));
assert.equal(long.status, 400);
assert.equal(runs.length, n2 + 3);

// Redis down: fail closed with a 5xx instead of executing without protection.
redis.down = true;
const n3 = runs.length;
assert.equal((await post("/payments", { amount: 9 }, K("key-6"))).status, 500);
assert.equal(runs.length, n3, "nothing executed without the idempotency store");
redis.down = false;

// Expiry: replays last KEEP_MS (24 h); after that the key is free again.
redis.now += 24 * 60 * 60 * 1000 + 1;
const n4 = runs.length;
assert.equal((await post("/payments", { amount: 10 }, K("key-1"))).status, 201);
assert.equal(runs.length, n4 + 1);
server.close();
console.log("api-idempotency-key-middleware-express: ok");
