// Check for obs-structured-logging-correlation-ids (Express is a local fake on node:http; the
// outbound fetch to the inventory service is faked): valid incoming IDs reused, invalid or missing
// ones replaced, the ID echoed and forwarded, every log line JSON with the right ID (across awaits
// and concurrent requests), route templates not raw URLs, failures logged and answered 500.
import "data:text/javascript,process.env.PORT='0'";
import assert from "node:assert/strict";
import * as nodeHttp from "node:http";
import { once as onceEvent } from "node:events";

const lines = [];
process.stdout.write = (chunk) => { lines.push(...String(chunk).split("\n").filter(Boolean)); return true; };
const realConsoleError = console.error;
console.error = () => {};                       // the fake Express logs 5xx stacks
const outbound = [];
globalThis.fetch = async (url, init) => {
  outbound.push({ url: String(url), id: init.headers["x-request-id"], signal: init.signal });
  await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  const sku = decodeURIComponent(String(url).split("/").pop());
  if (sku === "broken") return new Response("{}", { status: 503 });
  return new Response(JSON.stringify({ available: sku.length }), { status: 200 });
};

if (!server.listening) await onceEvent(server, "listening");
const port = server.address().port;

function call(path, id) {
  return new Promise((resolve, reject) => {
    const headers = id === undefined ? {} : { "x-request-id": id };
    nodeHttp.get({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => setImmediate(() => resolve({ status: res.statusCode, id: res.headers["x-request-id"], body })));
    }).on("error", reject);
  });
}
const entries = () => lines.map((l) => JSON.parse(l));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// A valid incoming ID is reused, echoed, forwarded and on every log line of the request.
let r = await call("/products/ABC-12/stock", "gateway-req-0001");
assert.equal(r.status, 200);
assert.deepEqual(JSON.parse(r.body), { available: 6 });
assert.equal(r.id, "gateway-req-0001");
assert.equal(outbound.at(-1).id, "gateway-req-0001", "forwarded on the outbound call");
assert.ok(outbound.at(-1).signal instanceof AbortSignal, "outbound call has a timeout signal");
let mine = entries().filter((e) => e.requestId === "gateway-req-0001");
assert.deepEqual(mine.map((e) => e.msg), ["checking stock", "request completed"]);
const done = mine[1];
assert.equal(done.route, "/products/:sku/stock", "route template, not the raw URL");
assert.equal(done.status, 200);
assert.equal(done.method, "GET");
assert.ok(Number.isInteger(done.durationMs) && done.durationMs >= 0);
for (const e of mine) {
  assert.equal(e.service, "orders-api");
  assert.ok(!Number.isNaN(Date.parse(e.ts)) && ["info", "warn", "error", "debug"].includes(e.level));
}

// Missing or hostile IDs are replaced with a fresh UUID.
for (const bad of [undefined, "short", "x".repeat(65), "evil\"},{\"level\":\"error\"}", "id with spaces 123"]) {
  r = await call("/products/Z/stock", bad);
  assert.match(r.id, UUID, `replaced ${JSON.stringify(bad)}`);
  assert.equal(outbound.at(-1).id, r.id);
}
assert.ok(lines.every((l) => { try { JSON.parse(l); return true; } catch { return false; } }), "every line is JSON");

// Concurrent requests keep their own IDs through awaits.
const ids = Array.from({ length: 20 }, (_, i) => `concurrent-${String(i).padStart(4, "0")}`);
lines.length = 0;
outbound.length = 0;
await Promise.all(ids.map((id, i) => call(`/products/sku${i}/stock`, id)));
for (const [i, id] of ids.entries()) {
  const own = entries().filter((e) => e.requestId === id);
  assert.equal(own.length, 2, `${id}: ${own.length} lines`);
  assert.equal(own[0].sku, `sku${i}`, "context not mixed up between requests");
  assert.ok(outbound.some((o) => o.id === id && o.url.endsWith(`/sku${i}`)));
}

// A failing dependency: warn and error lines carry the ID; the client gets a 500 with the ID.
lines.length = 0;
r = await call("/products/broken/stock", "failing-request-1");
assert.equal(r.status, 500);
assert.equal(r.id, "failing-request-1");
mine = entries().filter((e) => e.requestId === "failing-request-1");
assert.deepEqual(mine.map((e) => [e.level, e.msg]), [
  ["info", "checking stock"], ["warn", "inventory call failed"], ["error", "stock lookup failed"],
  ["info", "request completed"]]);
assert.equal(mine[1].status, 503);
assert.equal(mine[3].status, 500);

// Unknown routes are logged as unmatched.
lines.length = 0;
r = await call("/nope", "unmatched-route-1");
assert.equal(r.status, 404);
assert.equal(entries().find((e) => e.requestId === "unmatched-route-1").route, "unmatched");

// Outside a request: no requestId on the line.
lines.length = 0;
log("info", "background job");
assert.equal(entries()[0].requestId, undefined);

server.close();
console.error = realConsoleError;
console.log("obs-structured-logging-correlation-ids: ok");
