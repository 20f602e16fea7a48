// bank-code: needs postgresql
// Check for rel-graceful-shutdown-nodejs (pg is a fake that runs queries on the runner's real
// PostgreSQL). In this process: readiness flips to 503 on SIGTERM while requests are still served,
// keep-alive clients are told to close, in-flight requests finish, new connections are refused
// after the drain delay, the pool closes after the last request, exit(0). In a child process: a
// request that never finishes triggers the forced exit(1) before the grace period.
import "data:text/javascript,process.env.PORT='0';process.env.SHUTDOWN_DELAY_MS='400';process.env.SHUTDOWN_TIMEOUT_MS='3000'";
import assert from "node:assert/strict";
import * as nodeHttp from "node:http";
import { spawn as spawnChild } from "node:child_process";
import { setTimeout as wait } from "node:timers/promises";

let exitCode = null;
const realExit = process.exit.bind(process);
const exited = new Promise((resolve) => {
  process.exit = (code) => { exitCode = code ?? 0; resolve(); };
});
const log = [];
const realLog = console.log;
console.log = (m) => log.push(m);

function get(port, path, agent) {
  return new Promise((resolve, reject) => {
    const req = nodeHttp.get({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("error", reject);
  });
}

if (!server.listening) await new Promise((r) => server.once("listening", r));
const port = server.address().port;
assert.equal((await get(port, "/readyz")).status, 200);
assert.equal((await get(port, "/livez")).status, 200);
const ok = await get(port, "/orders");
assert.equal(ok.status, 200);
assert.ok(!Number.isNaN(Date.parse(JSON.parse(ok.body).ts)), "handler ran a real query");

const keepAlive = new nodeHttp.Agent({ keepAlive: true });
assert.equal((await get(port, "/x", keepAlive)).status, 200);   // leaves an idle keep-alive socket

process.env.FAKE_PG_DELAY_MS = "900";                            // the next requests are slow
const inflight = get(port, "/slow");
await wait(100);
const t0 = performance.now();
process.kill(process.pid, "SIGTERM");
process.kill(process.pid, "SIGTERM");                            // a second signal is ignored
await wait(50);
assert.equal((await get(port, "/readyz")).status, 503, "readiness fails during shutdown");
assert.equal((await get(port, "/livez")).status, 200, "liveness stays OK");
process.env.FAKE_PG_DELAY_MS = "0";
const during = await get(port, "/during");
assert.equal(during.status, 200, "requests are still served during the drain delay");
assert.equal(during.headers.connection, "close", "clients are told to reconnect elsewhere");
await wait(500 - (performance.now() - t0));                      // past the 400 ms drain delay
await assert.rejects(get(port, "/late"), { code: "ECONNREFUSED" }, "no new connections after close()");
assert.equal(exitCode, null, "must not exit while a request is in flight");
const slow = await inflight;
assert.equal(slow.status, 200, "the in-flight request completes");
await Promise.race([exited, wait(2000)]);
assert.equal(exitCode, 0, "clean exit after draining");
assert.equal(db.ended, true, "pool closed");
await assert.rejects(db.query("SELECT 1"), /after calling end/);
assert.ok(log.some((m) => JSON.parse(m).msg === "shutdown started" && JSON.parse(m).signal === "SIGTERM"));
assert.equal(log.filter((m) => JSON.parse(m).msg === "shutdown started").length, 1);
assert.ok(log.some((m) => JSON.parse(m).msg === "shutdown complete"));
keepAlive.destroy();

// Forced exit: a request that never finishes must not hold the pod until SIGKILL.
const probe = nodeHttp.createServer();
await new Promise((r) => probe.listen(0, "127.0.0.1", r));
const childPort = probe.address().port;
await new Promise((r) => probe.close(r));
const child = spawnChild(process.execPath, ["answer.mjs"], {
  env: { ...process.env, PORT: String(childPort), SHUTDOWN_DELAY_MS: "50", SHUTDOWN_TIMEOUT_MS: "700",
         FAKE_PG_DELAY_MS: "60000" },
  stdio: ["ignore", "pipe", "pipe"],
});
let err = "";
child.stderr.on("data", (d) => (err += d));
const childExit = new Promise((r) => child.on("exit", (code) => r(code)));
for (let i = 0; i < 100; i++) {
  if ((await get(childPort, "/livez").catch(() => null))?.status === 200) break;
  await wait(50);
}
get(childPort, "/hang").catch(() => {});
await wait(150);
const t1 = performance.now();
child.kill("SIGTERM");
const code = await Promise.race([childExit, wait(5000).then(() => "timeout")]);
const took = performance.now() - t1;
assert.equal(code, 1, `forced exit code, got ${code}: ${err}`);
assert.ok(took >= 600 && took < 2000, `forced exit after ${took} ms, want ~700`);
assert.match(err, /forced exit/);
console.log = realLog;
console.log("rel-graceful-shutdown-nodejs: ok");
realExit(0);
