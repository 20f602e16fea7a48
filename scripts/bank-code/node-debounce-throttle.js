// Check for node-debounce-throttle with real timers (short waits): debounce fires once after the
// last call with the latest arguments, cancel and flush; throttle leading + one trailing call with
// the latest arguments, never more than once per window.
import assert from "node:assert/strict";
import { setTimeout as pause } from "node:timers/promises";

{
  const calls = [];
  const d = debounce((...a) => calls.push(a), 40);
  d(1); await pause(10); d(2); await pause(10); d(3, "x");
  await pause(20);
  assert.deepEqual(calls, [], "still inside the burst");
  await pause(50);
  assert.deepEqual(calls, [[3, "x"]], "once, with the latest arguments");
  d(4);
  d.cancel();
  await pause(60);
  assert.equal(calls.length, 1, "cancel drops the pending call");
  d(5);
  d.flush();
  assert.deepEqual(calls.at(-1), [5], "flush runs it now");
  await pause(60);
  assert.equal(calls.length, 2, "and not again later");
  d.flush();
  assert.equal(calls.length, 2, "flush with nothing pending does nothing");
}

{
  const calls = [];
  const t = throttle((x) => calls.push([x, Date.now()]), 50);
  const start = Date.now();
  while (Date.now() - start < 260) {   // a tight stream of calls for ~5 windows
    t(Date.now() - start);
    await pause(2);
  }
  await pause(80);
  assert.ok(calls.length >= 5 && calls.length <= 7, `${calls.length} calls in ~260 ms at 50 ms`);
  for (let i = 1; i < calls.length; i++) {
    const gap = calls[i][1] - calls[i - 1][1];
    assert.ok(gap >= 48, `calls ${gap} ms apart, window 50 ms`);
  }
  assert.equal(calls[0][0], 0, "leading call runs immediately");
  const lastArg = calls.at(-1)[0];
  assert.ok(lastArg >= 240, `trailing call carries the latest arguments (${lastArg})`);
}

{
  // A single call: leading only, no trailing duplicate.
  const calls = [];
  const t = throttle((x) => calls.push(x), 30);
  t("a");
  await pause(60);
  assert.deepEqual(calls, ["a"]);
  t("b"); t("c"); t("d");
  await pause(60);
  assert.deepEqual(calls, ["a", "b", "d"], "one trailing call with the last arguments");
}
console.log("node-debounce-throttle: ok");
