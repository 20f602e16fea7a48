// Check for rt-sse-last-event-id-nodejs (loopback only).
import net from 'node:net';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

async function until(cond, ms = 3000, what = 'condition') {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
function listen(handler) {
  return new Promise((resolve) => {
    const srv = http.createServer(handler);
    srv.listen(0, '127.0.0.1', () => resolve({ srv, url: `http://127.0.0.1:${srv.address().port}/events` }));
  });
}

// 1. Parser: every split point, CR/LF/CRLF, comments, fields without colon, multi-byte UTF-8.
{
  const stream = Buffer.from(
    ': hello\r\nretry: 1500\r\nretry: soon\n\nid: 1\nevent: price\ndata: {"px":1}\n\n' +
    'data:no-space\ndata\ndata:  two spaces\r\rid: 2\0x\nid: 3\ndata: héllo €\r\n\r\n' +
    'id: 4\n\nevent: ignored\n\ndata: a\r\ndata: b\r\n\r\ndata: unterminated', 'utf8');
  const expected = [
    { type: 'price', data: '{"px":1}', id: '1' },
    { type: 'message', data: 'no-space\n\n two spaces', id: null },
    { type: 'message', data: 'héllo €', id: '3' },
    'id:4',
    { type: 'message', data: 'a\nb', id: null },
  ];
  for (let split = 0; split <= stream.length; split++) {
    for (const step of [1, 3, stream.length]) {
      const got = [], retries = [];
      const p = createSseParser((ev, id) => got.push(ev ?? `id:${id}`), (ms) => retries.push(ms));
      const parts = [stream.subarray(0, split), stream.subarray(split)];
      for (const part of parts) for (let i = 0; i < part.length; i += step) p.push(part.subarray(i, i + step));
      assert.deepEqual(got, expected, `split ${split} step ${step}`);
      assert.deepEqual(retries, [1500]);
    }
  }
}

// 2. Resume after a dropped connection: no gap, no duplicates, Last-Event-ID sent.
const hub = createSseHub({ bufferSize: 5, heartbeatMs: 50, retryMs: 20 });
const seenHeaders = [];
const { srv, url } = await listen((req, res) => { seenHeaders.push(req.headers['last-event-id']); hub.handle(req, res); });
const got = [], resets = [];
const client = connectSse(url, { onEvent: (e) => got.push(e), onReset: (r) => resets.push(r),
                                 random: () => 0.5, idleTimeoutMs: 2000 });
await until(() => hub.stats().clients === 1, 3000, 'first connect');
for (let i = 1; i <= 3; i++) hub.publish('score', `goal ${i}`);
hub.publish('multi', 'line one\nline two');
await until(() => got.length === 4, 3000, 'first events');
assert.deepEqual(got.map((e) => e.id), ['1', '2', '3', '4']);
assert.equal(got[3].data, 'line one\nline two');
assert.equal(got[3].type, 'multi');
hub.dropAll();                                   // network drop
await until(() => hub.stats().clients === 0, 3000, 'drop');
hub.publish('score', 'goal 5');                  // published while the client is away
hub.publish('score', 'goal 6');
await until(() => got.length === 6, 3000, 'replay');
assert.deepEqual(got.map((e) => e.id), ['1', '2', '3', '4', '5', '6']);
assert.equal(seenHeaders.at(-1), '4');
assert.equal(resets.length, 0);

// 3. Gap older than the buffer: a reset event, then live events continue.
hub.dropAll();
await until(() => hub.stats().clients === 0, 3000, 'drop 2');
for (let i = 0; i < 10; i++) hub.publish('score', `x${i}`);     // ids 7..16, buffer keeps 12..16
await until(() => resets.length === 1, 3000, 'reset');
assert.deepEqual(resets[0], { lastId: 16 });
assert.equal(got.length, 6, 'nothing replayed across a gap that was lost');
assert.equal(client.lastEventId, '16');
hub.publish('score', 'after reset');
await until(() => got.length === 7, 3000, 'after reset');
assert.equal(got[6].id, '17');

// 4. Heartbeats reach the client; unknown or garbage ids get a reset.
async function rawGet(headers) {
  return new Promise((resolve) => {
    const s = net.connect(srv.address().port, '127.0.0.1', () => {
      s.write(`GET /events HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
    });
    let buf = '';
    s.on('data', (d) => { buf += d; });
    setTimeout(() => { s.destroy(); resolve(buf); }, 200);
  });
}
let raw = await rawGet('');
assert.match(raw, /retry: 20\n\n/);
assert.match(raw, /: ping\n\n/);
for (const bad of ['999', 'abc', '-1', '']) {
  raw = await rawGet(`Last-Event-ID: ${bad}\r\n`);
  assert.match(raw, /id: 17\nevent: reset\ndata: \{"lastId":17\}\n\n/, `bad id ${JSON.stringify(bad)}`);
}
raw = await rawGet('Last-Event-ID: 15\r\n');
assert.match(raw, /id: 16\n[\s\S]*id: 17\n/);
assert.doesNotMatch(raw, /id: 15\n/);
assert.throws(() => hub.publish('bad\nname', 'x'), TypeError);

// 5. Slow consumer: a client that stops reading is evicted; the healthy client is unaffected.
{
  const big = 'y'.repeat(200_000);
  const slow = createSseHub({ maxQueuedBytes: 256 * 1024, heartbeatMs: 60_000 });
  const { srv: s2, url: u2 } = await listen((req, res) => slow.handle(req, res));
  const fast = [];
  const fc = connectSse(u2, { onEvent: (e) => fast.push(e.id), random: () => 0.5 });
  const lazy = net.connect(s2.address().port, '127.0.0.1', () => {
    lazy.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
    lazy.pause();                                   // never reads again
  });
  lazy.on('error', () => {});
  await until(() => slow.stats().clients === 2, 3000, 'two clients');
  let n = 0;
  while (slow.stats().evicted === 0 && n < 400) {
    slow.publish('blob', big);
    n++;
    await new Promise((r) => setImmediate(r));
    if (n % 20 === 0) await until(() => fast.length === n, 5000, 'fast client keeps up');
  }
  assert.equal(slow.stats().evicted, 1, 'slow consumer was not evicted');
  await until(() => slow.stats().clients === 1, 3000, 'eviction cleanup');
  slow.publish('small', 'still here');
  await until(() => fast.length === n + 1, 5000, 'fast client after eviction');
  assert.deepEqual(fast, Array.from({ length: n + 1 }, (_, i) => String(i + 1)));
  fc.close(); lazy.destroy(); s2.close();
}

// 6. 503 then success: retried with backoff; 204: stop for good; 404: stop.
{
  let calls = 0;
  const h = createSseHub();
  const { srv: s3, url: u3 } = await listen((req, res) => {
    calls++;
    if (calls <= 2) { res.writeHead(503); res.end(); return; }
    h.handle(req, res);
  });
  const evs = [];
  const c3 = connectSse(u3, { onEvent: (e) => evs.push(e), random: () => 0.01 });
  await until(() => h.stats().clients === 1, 5000, 'connect after 503s');
  assert.equal(calls, 3);
  h.publish('ok', '1');
  await until(() => evs.length === 1, 3000, 'event after 503');
  c3.close();
  await until(() => h.stats().clients === 0, 3000, 'close() disconnects');
  await sleep(100);
  assert.equal(calls, 3, 'close() must stop reconnecting');
  s3.close();

  for (const status of [204, 404]) {
    let n4 = 0;
    const stops = [];
    const { srv: s4, url: u4 } = await listen((req, res) => { n4++; res.writeHead(status); res.end(); });
    connectSse(u4, { onEvent: () => {}, onStop: (st) => stops.push(st), random: () => 0 });
    await sleep(150);
    assert.equal(n4, 1, `${status} must not be retried`);
    assert.deepEqual(stops, [status]);
    s4.close();
  }
}

// 7. A connection that goes silent (no heartbeats) is detected and replaced.
{
  let n5 = 0;
  const { srv: s5, url: u5 } = await listen((req, res) => {
    n5++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('retry: 10\n\n');                   // then silence, socket kept open
  });
  const c5 = connectSse(u5, { onEvent: () => {}, idleTimeoutMs: 100, random: () => 0.5 });
  await until(() => n5 >= 3, 3000, 'reconnect after idle timeout');
  assert.ok(c5.connects >= 3);
  c5.close();
  s5.closeAllConnections();
  s5.close();
}

client.close();
srv.closeAllConnections();
srv.close();
console.log('rt-sse-last-event-id-nodejs: all checks passed');
