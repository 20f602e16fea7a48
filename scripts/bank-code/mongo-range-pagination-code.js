// Check for mongo-range-pagination-code on the in-memory MongoDB stand-in: pages newest first with
// no gaps or repeats when many orders share a createdAt, stable under concurrent inserts, isolated
// per customer, the index is created, bad cursors raise InvalidCursorError, page size clamped.
const assert = require("node:assert/strict");
const { FakeDb } = require("mongodb/fake");

(async () => {
  const db = new FakeDb();
  await ensureIndexes(db);
  assert.ok(db.collection("orders").indexes.some((i) => JSON.stringify(i.key) === '{"customerId":1,"createdAt":-1,"_id":-1}'));
  const orders = db.collection("orders");
  const t0 = Date.parse("2024-05-01T10:00:00Z");
  for (let i = 0; i < 250; i++) {
    orders.insertOne({ customerId: i % 5 === 0 ? "c2" : "c1", createdAt: new Date(t0 + Math.floor(i / 10) * 1000), n: i });
  }
  const expected = orders.find({ customerId: "c1" }).sort({ createdAt: -1, _id: -1 }).toArraySync().map((d) => d.n);

  async function walk(customer, size) {
    const seen = [];
    let cursor = null, pages = 0;
    do {
      const page = await listOrders(db, customer, cursor, size);
      assert.ok(page.items.length <= size);
      seen.push(...page.items.map((d) => d.n));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    return { seen, pages };
  }
  for (const size of [1, 7, 10, 20, 200]) {
    const { seen, pages } = await walk("c1", size);
    assert.deepEqual(seen, expected, `page size ${size}: ties on createdAt must not skip or repeat`);
    assert.equal(pages, Math.max(1, Math.ceil(expected.length / Math.min(size, 100))));
  }
  assert.ok(expected.length % 20 === 0);
  assert.equal((await walk("c1", 20)).pages, expected.length / 20, "no empty last page");
  const c2 = (await walk("c2", 9)).seen;
  assert.equal(c2.length, 50);
  assert.ok(c2.every((n) => n % 5 === 0), "only this customer's orders");
  assert.deepEqual(await listOrders(db, "nobody", null), { items: [], nextCursor: null });

  // Newer orders arriving between pages do not shift the pages still to come.
  const first = await listOrders(db, "c1", null, 25);
  for (let i = 0; i < 30; i++) orders.insertOne({ customerId: "c1", createdAt: new Date(t0 + 999_000), n: 1000 + i });
  let rest = [], cur = first.nextCursor;
  while (cur) { const p = await listOrders(db, "c1", cur, 25); rest.push(...p.items.map((d) => d.n)); cur = p.nextCursor; }
  assert.deepEqual([...first.items.map((d) => d.n), ...rest], expected);

  // Opaque cursor: garbage is refused with one error type.
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  for (const bad of ["%%%", "e30", enc({ t: "yesterday", id: "0".repeat(24) }), enc({ t: "2024-01-01T00:00:00Z", id: "xyz" }),
                     enc({ t: 5, id: "0".repeat(24) }), enc({}), "bnVsbA", enc([1, 2])]) {
    await assert.rejects(listOrders(db, "c1", bad), InvalidCursorError, `cursor ${bad}`);
  }
  // Page size is clamped.
  assert.equal((await listOrders(db, "c1", null, 0)).items.length, 20);
  assert.equal((await listOrders(db, "c1", null, -3)).items.length, 1);
  assert.equal((await listOrders(db, "c1", null, 10_000)).items.length, 100);
  console.log("mongo-range-pagination-code: ok");
})().catch((e) => { console.error(e); process.exit(1); });
