// Check for node-worker-thread-pool: real worker threads running the answer's serveTasks();
// fixed workers reused, bounded queue, errors as messages keep the worker, timeouts terminate and
// replace, crashes replaced, broken worker files do not spin, close() rejects and stops.
import assert from "node:assert/strict";
import { isMainThread } from "node:worker_threads";
import * as nodeFs from "node:fs";
import * as nodePath from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

if (isMainThread) {
  const dir = process.cwd();
  const file = nodePath.join(dir, "task-worker.mjs");
  nodeFs.writeFileSync(file, `
import { threadId } from 'node:worker_threads';
import { serveTasks } from './answer.mjs';
serveTasks(async (t) => {
  if (t.kind === 'fib') { const f = (n) => n < 2 ? n : f(n - 1) + f(n - 2); return { v: f(t.n), threadId }; }
  if (t.kind === 'throw') throw new Error('bad input: ' + t.why);
  if (t.kind === 'spin') { for (;;) {} }
  if (t.kind === 'exit') process.exit(3);
  if (t.kind === 'sleep') { await new Promise((r) => setTimeout(r, t.ms)); return { threadId }; }
  return { threadId };
});`);
  const counter = nodePath.join(dir, "starts.txt");
  const broken = nodePath.join(dir, "broken-worker.mjs");
  nodeFs.writeFileSync(broken, `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(counter)}, 'x'); throw new Error('import failed');`);

  // Results, and reuse of a fixed set of threads.
  const pool = new WorkerPool(file, { size: 3, timeoutMs: 2000, maxQueue: 100 });
  const out = await Promise.all(Array.from({ length: 30 }, (_, i) => pool.run({ kind: "fib", n: 15 + (i % 5) })));
  const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
  out.forEach((r, i) => assert.equal(r.v, fib(15 + (i % 5))));
  assert.ok(new Set(out.map((r) => r.threadId)).size <= 3, "only 3 threads used");

  // A task error rejects that task only; the worker stays alive.
  const before = new Set((await Promise.all([1, 2, 3].map(() => pool.run({ kind: "sleep", ms: 20 })))).map((r) => r.threadId));
  await assert.rejects(pool.run({ kind: "throw", why: "x" }), { message: "bad input: x" });
  const after = new Set((await Promise.all([1, 2, 3].map(() => pool.run({ kind: "sleep", ms: 20 })))).map((r) => r.threadId));
  assert.deepEqual([...after].sort(), [...before].sort(), "no worker replaced after a task error");

  // A stuck task times out; its worker is terminated and replaced; other work continues.
  const t0 = performance.now();
  const stuck = pool.run({ kind: "spin" });
  const others = Promise.all([1, 2, 3, 4].map(() => pool.run({ kind: "sleep", ms: 10 })));
  await assert.rejects(stuck, { message: "task timed out" });
  const took = performance.now() - t0;
  assert.ok(took >= 1900 && took < 3500, `timed out after ${took} ms`);
  await others;
  const r = await Promise.all([1, 2, 3].map(() => pool.run({ kind: "fib", n: 10 })));
  assert.ok(r.every((x) => x.v === 55));

  // A crashing worker: its task rejects, a replacement serves the next tasks.
  await assert.rejects(pool.run({ kind: "exit" }), { message: "worker exited" });
  assert.equal((await pool.run({ kind: "fib", n: 12 })).v, 144);

  // Bounded queue: beyond maxQueue, run() rejects at once.
  const small = new WorkerPool(file, { size: 1, timeoutMs: 5000, maxQueue: 2 });
  const held = [small.run({ kind: "sleep", ms: 200 }), small.run({ kind: "sleep", ms: 1 }), small.run({ kind: "sleep", ms: 1 })];
  await sleep(0);
  await assert.rejects(small.run({ kind: "sleep", ms: 1 }), { message: "pool queue full" });
  await Promise.all(held);
  // close(): queued tasks rejected, later runs rejected.
  const running = assert.rejects(small.run({ kind: "sleep", ms: 300 }));
  const queued = assert.rejects(small.run({ kind: "sleep", ms: 1 }), { message: "pool closed" });
  await sleep(50);
  await small.close();
  await queued;
  await running;
  await assert.rejects(small.run({ kind: "sleep", ms: 1 }), { message: "pool closed" });

  // A worker file that fails at start-up: tasks fail, and the pool backs off instead of spinning.
  const bad = new WorkerPool(broken, { size: 2, timeoutMs: 1000, maxQueue: 10 });
  await assert.rejects(bad.run({ kind: "fib", n: 1 }));
  await sleep(1000);
  const starts = nodeFs.readFileSync(counter, "utf8").length;
  assert.ok(starts <= 12, `${starts} start attempts in about a second: respawn loop`);
  await bad.close();

  for (const size of [0, -1, 1.5]) assert.throws(() => new WorkerPool(file, { size }), RangeError);
  await pool.close();
  console.log("node-worker-thread-pool: ok");
}
