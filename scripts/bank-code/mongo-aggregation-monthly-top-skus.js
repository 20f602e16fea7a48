// Check for mongo-aggregation-monthly-top-skus: the answer's pipeline (as passed to
// db.orders.aggregate) is replayed on seeded orders in the in-memory MongoDB stand-in and compared
// with a plain JavaScript computation: year boundaries, unpaid orders, revenue ties, months with
// fewer than three SKUs, exact integer cents.
import "mongodb/shell";
import assert from "node:assert/strict";
import { FakeDb } from "mongodb/fake";

const call = db.__calls.find((c) => c.target === "orders" && c.method === "aggregate");
assert.ok(call, "the answer runs db.orders.aggregate(...)");
const [pipeline, options] = call.args;
assert.equal(Object.keys(pipeline[0])[0], "$match", "$match first");
assert.equal(options?.allowDiskUse, true);

const fresh = new FakeDb();
const orders = fresh.collection("orders");
let seed = 7;
const rnd = (n) => {                               // mulberry32: deterministic test data
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};
const skus = ["A", "B", "C", "D", "E", "F"];
const docs = [];
for (let i = 0; i < 600; i++) {
  const month = rnd(14) - 1;                       // Dec 2023 .. Jan 2025
  const createdAt = new Date(Date.UTC(2024, month, 1 + rnd(28), rnd(24), rnd(60)));
  const items = Array.from({ length: 1 + rnd(3) }, () => ({ sku: skus[rnd(6)], qty: 1 + rnd(4), unitPriceCents: 99 + rnd(5000) }));
  docs.push({ status: rnd(4) ? "paid" : "cancelled", createdAt, items });
}
docs.push({ status: "paid", createdAt: new Date("2023-12-31T23:59:59.999Z"), items: [{ sku: "Z", qty: 99, unitPriceCents: 1e6 }] });
docs.push({ status: "paid", createdAt: new Date("2025-01-01T00:00:00Z"), items: [{ sku: "Z", qty: 99, unitPriceCents: 1e6 }] });
docs.push({ status: "paid", createdAt: new Date("2024-01-01T00:00:00Z"), items: [{ sku: "EDGE", qty: 1, unitPriceCents: 1 }] });
// July: only two SKUs, tied revenue
for (const d of docs) if (d.createdAt.getUTCMonth() === 6 && d.createdAt.getUTCFullYear() === 2024) d.status = "refunded";
docs.push({ status: "paid", createdAt: new Date("2024-07-10T00:00:00Z"), items: [{ sku: "Y", qty: 2, unitPriceCents: 500 }, { sku: "X", qty: 1, unitPriceCents: 1000 }] });
orders.insertMany(docs);

const got = orders.aggregate(pipeline, options).toArraySync();

// Reference computation.
const byMonth = new Map();
for (const o of docs) {
  if (o.status !== "paid" || o.createdAt < new Date("2024-01-01T00:00:00Z") || o.createdAt >= new Date("2025-01-01T00:00:00Z")) continue;
  const m = Date.UTC(o.createdAt.getUTCFullYear(), o.createdAt.getUTCMonth(), 1);
  const skuMap = byMonth.get(m) ?? new Map();
  byMonth.set(m, skuMap);
  for (const it of o.items) {
    const s = skuMap.get(it.sku) ?? { sku: it.sku, units: 0, revenueCents: 0 };
    s.units += it.qty;
    s.revenueCents += it.qty * it.unitPriceCents;
    skuMap.set(it.sku, s);
  }
}
const want = [...byMonth.keys()].sort((a, b) => a - b).map((m) => {
  const list = [...byMonth.get(m).values()];
  return {
    month: new Date(m),
    totalRevenueCents: list.reduce((t, s) => t + s.revenueCents, 0),
    top: list.sort((a, b) => b.revenueCents - a.revenueCents || a.sku.localeCompare(b.sku)).slice(0, 3),
  };
});

assert.equal(got.length, 12, `12 months of 2024, got ${got.length}`);
got.forEach((row, i) => {
  const w = want[i];
  assert.deepEqual(Object.keys(row).sort(), ["month", "topSkus", "totalRevenueCents"]);
  assert.equal(row.month.toISOString(), w.month.toISOString(), "months in order");
  assert.equal(row.totalRevenueCents, w.totalRevenueCents, `total for ${w.month.toISOString()}`);
  assert.ok(Number.isInteger(row.totalRevenueCents), "exact integer cents");
  assert.deepEqual(row.topSkus.map((s) => s.revenueCents), w.top.map((s) => s.revenueCents), `top revenues ${row.month.toISOString()}`);
  for (const s of row.topSkus) assert.deepEqual(Object.keys(s).sort(), ["revenueCents", "sku", "units"]);
  assert.deepEqual(row.topSkus, w.top, `top SKUs ${row.month.toISOString()}`);
});
const july = got.find((r) => r.month.getUTCMonth() === 6);
assert.deepEqual(july.topSkus.map((s) => s.sku), ["X", "Y"], "two SKUs, tie broken by SKU");
assert.ok(!JSON.stringify(got).includes('"Z"'), "orders outside 2024 excluded");
assert.ok(got[0].topSkus.length === 3 && got[0].totalRevenueCents >= 1);
console.log("mongo-aggregation-monthly-top-skus: ok");
