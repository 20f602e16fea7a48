// Check for mongo-aggregation-customer-summary: the answer's pipeline (as passed to
// db.customers.aggregate) replayed on seeded customers and orders in the in-memory MongoDB
// stand-in, compared with a plain JavaScript computation: only EU customers, only paid orders,
// customers without orders kept with defaults, three most recent orders, stable order by spend
// then _id, page of 50 plus the total count.
import "mongodb/shell";
import assert from "node:assert/strict";
import { FakeDb } from "mongodb/fake";
import { ObjectId } from "mongodb";

const call = db.__calls.find((c) => c.target === "customers" && c.method === "aggregate");
assert.ok(call, "the answer runs db.customers.aggregate(...)");
const [pipeline] = call.args;

const fresh = new FakeDb();
let seed = 11;
const rnd = (n) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};
const customers = [], orders = [];
for (let i = 0; i < 140; i++) {
  const _id = ObjectId.createFromTime(1_700_000_000 + i);
  customers.push({ _id, name: `c${i}`, region: i % 4 === 3 ? "US" : "EU" });
  const n = i % 10 === 0 ? 0 : rnd(7);                  // some customers never ordered
  for (let j = 0; j < n; j++) {
    orders.push({ _id: new ObjectId(), customerId: _id, status: rnd(5) ? "paid" : "cancelled",
      totalCents: i % 7 === 0 ? 5000 : 100 + rnd(20000),  // ties in spend
      createdAt: new Date(Date.UTC(2024, rnd(12), 1 + rnd(28), rnd(24))) });
  }
}
fresh.collection("customers").insertMany(customers);
fresh.collection("orders").insertMany(orders);
const [result] = fresh.collection("customers").aggregate(pipeline).toArraySync();

const eu = customers.filter((c) => c.region === "EU").map((c) => {
  const paid = orders.filter((o) => o.customerId.equals(c._id) && o.status === "paid")
    .sort((a, b) => b.createdAt - a.createdAt || (a._id.hex < b._id.hex ? 1 : -1));
  return {
    _id: c._id, name: c.name,
    spendCents: paid.reduce((t, o) => t + o.totalCents, 0),
    orderCount: paid.length,
    lastOrderAt: paid[0]?.createdAt,
    recentOrders: paid.slice(0, 3).map((o) => ({ id: o._id, totalCents: o.totalCents, createdAt: o.createdAt })),
  };
}).sort((a, b) => b.spendCents - a.spendCents || (a._id.hex < b._id.hex ? -1 : 1));

assert.deepEqual(result.total, [{ count: eu.length }], "total count for pagination");
assert.equal(result.items.length, 50, "one page of 50");
result.items.forEach((row, i) => {
  const w = eu[i];
  assert.ok(row._id.equals(w._id), `row ${i}: order by spend desc, then _id`);
  assert.equal(row.name, w.name);
  assert.equal(row.spendCents, w.spendCents);
  assert.equal(row.orderCount, w.orderCount);
  assert.equal(row.lastOrderAt?.getTime(), w.lastOrderAt?.getTime());
  assert.deepEqual(row.recentOrders.map((o) => [o.id.hex, o.totalCents, o.createdAt.getTime()]),
    w.recentOrders.map((o) => [o.id.hex, o.totalCents, o.createdAt.getTime()]), `recent orders of ${w.name}`);
  assert.ok(!("region" in row) && !("stats" in row), "only the projected fields");
});
// Customers without paid orders are listed with defaults (they sort last).
const [lastPage] = fresh.collection("customers").aggregate(
  pipeline.map((st) => (st.$facet ? { $facet: { items: [{ $skip: 50 }, { $limit: 200 }], total: st.$facet.total } } : st))).toArraySync();
const zero = lastPage.items.filter((r) => r.orderCount === 0);
assert.ok(zero.length >= 10, "customers without orders are kept");
for (const z of zero) {
  assert.equal(z.spendCents, 0);
  assert.deepEqual(z.recentOrders, []);
  assert.equal(z.lastOrderAt, undefined);
}
assert.ok(!lastPage.items.concat(result.items).some((r) => customers.find((c) => c._id.equals(r._id)).region !== "EU"));
console.log("mongo-aggregation-customer-summary: ok");
