// bank-code: needs postgresql
// Check for api-cursor-pagination-signed-cursor-express: the handler on the Express stand-in, with
// the pg stand-in running its SQL on real PostgreSQL. Pages newest first with no gaps or repeats
// (microsecond timestamps and ties), status filter, Link rel=next, tamper-proof cursors bound to
// customer and filter, bad input answered 400, database errors reach the error handler.
import "data:text/javascript,process.env.CURSOR_SECRET='test-secret-please-rotate'";
import assert from "node:assert/strict";
import * as nodeHttp from "node:http";
import { execFileSync } from "node:child_process";
import expressFake from "express";
import pg from "pg";

execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", `
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, created_at timestamptz NOT NULL,
  status text NOT NULL, total_minor bigint NOT NULL, currency char(3) NOT NULL);
CREATE INDEX ON orders (customer_id, created_at DESC, id DESC);
INSERT INTO orders
SELECT g, CASE WHEN g % 10 = 0 THEN 2 ELSE 1 END,
       timestamptz '2024-05-01 10:00:00+00' + (g / 4) * interval '1 millisecond' + (g % 4) * interval '1 microsecond' * (g % 2),
       (ARRAY['open','paid','shipped','cancelled'])[1 + g % 4], g * 100, 'EUR'
FROM generate_series(1, 230) g;  -- pairs of equal timestamps, and 1-3 microsecond steps
INSERT INTO orders VALUES (9007199254740993, 1, '2024-04-01 00:00:00+00', 'open', 1, 'EUR');`]);

const pool = new pg.Pool();
const app = expressFake();
app.get("/customers/:customerId/orders", listOrders(pool));
app.use((err, req, res, next) => res.status(500).json({ error: "internal" }));
const server = app.listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const port = server.address().port;
function get(path) {
  return new Promise((resolve, reject) => {
    nodeHttp.get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let t = "";
      res.on("data", (c) => (t += c));
      res.on("end", () => resolve({ status: res.statusCode, link: res.headers.link, type: res.headers["content-type"],
        body: t ? JSON.parse(t) : null }));
    }).on("error", reject);
  });
}
const psqlRows = (sql) => execFileSync("psql", ["-X", "-At", "-c", sql]).toString().trim().split("\n").filter(Boolean);

async function walk(first) {
  const ids = [];
  let path = first, pages = 0;
  for (;;) {
    const r = await get(path);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    ids.push(...r.body.data.map((o) => o.id));
    pages++;
    if (!r.body.nextCursor) { assert.equal(r.link, undefined); return { ids, pages }; }
    const m = /^<([^>]+)>; rel="next"$/.exec(r.link);
    assert.ok(m, `Link header: ${r.link}`);
    assert.ok(m[1].includes(`cursor=${encodeURIComponent(r.body.nextCursor)}`) ||
              m[1].includes(`cursor=${r.body.nextCursor}`), "Link carries the cursor");
    path = m[1];
  }
}

// Every order of customer 1, newest first, exactly once, across pages (ties within a millisecond).
const want = psqlRows("SELECT id FROM orders WHERE customer_id = 1 ORDER BY created_at DESC, id DESC");
let { ids, pages } = await walk("/customers/1/orders?limit=7");
assert.deepEqual(ids, want, "pages skip or repeat rows at microsecond ties");
assert.equal(pages, Math.ceil(want.length / 7));
assert.ok(ids.includes("9007199254740993"), "int8 ids above 2^53 survive as strings");
const one = (await get("/customers/1/orders?limit=1")).body.data[0];
assert.deepEqual(Object.keys(one).sort(), ["createdAt", "currency", "id", "status", "totalMinor"]);
assert.equal(typeof one.totalMinor, "number");

// Status filter, and the cursor is bound to it and to the customer.
const paid = psqlRows("SELECT id FROM orders WHERE customer_id = 1 AND status = 'paid' ORDER BY created_at DESC, id DESC");
({ ids } = await walk("/customers/1/orders?status=paid&limit=10"));
assert.deepEqual(ids, paid);
const p1 = await get("/customers/1/orders?status=paid&limit=5");
const cur = encodeURIComponent(p1.body.nextCursor);
for (const path of [`/customers/1/orders?status=open&cursor=${cur}`, `/customers/1/orders?cursor=${cur}`,
                    `/customers/2/orders?status=paid&cursor=${cur}`]) {
  const r = await get(path);
  assert.equal(r.status, 400, `${path} must be rejected`);
  assert.match(r.type, /^application\/problem\+json/);
}
assert.equal((await get(`/customers/1/orders?status=paid&cursor=${cur}&limit=50`)).status, 200, "limit may change");

// Tampering: a forged position or edited cursor is rejected.
const [body, sig] = p1.body.nextCursor.split(".");
const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url")), id: "1" })).toString("base64url");
for (const c of [`${forged}.${sig}`, `${body}.${sig.slice(0, -2)}AA`, body, `${body}.`, "garbage", ".", ""]) {
  const r = await get(`/customers/1/orders?status=paid&cursor=${encodeURIComponent(c)}`);
  assert.equal(r.status, 400, `cursor ${c.slice(0, 20)} accepted`);
}

// Bad input: unknown status, repeated status, non-numeric customer, odd limits.
assert.equal((await get("/customers/1/orders?status=lost")).status, 400);
assert.equal((await get("/customers/1/orders?status=open&status=paid")).status, 400);
assert.equal((await get("/customers/abc/orders")).status, 400);
assert.equal((await get("/customers/1/orders?limit=abc")).body.data.length, 20);
assert.equal((await get("/customers/1/orders?limit=-5")).body.data.length, 1);
assert.equal((await get("/customers/1/orders?limit=100000")).body.data.length, 100);
assert.equal((await get("/customers/999/orders")).body.data.length, 0);

// A database failure reaches the error middleware instead of hanging the request.
await pool.end();
assert.equal((await get("/customers/1/orders")).status, 500);
server.close();
console.log("api-cursor-pagination-signed-cursor-express: ok");
