// Check for node-stream-pipeline-transform: correct NDJSON (CRLF, blank lines, last line without a
// newline, multi-byte UTF-8 across chunk boundaries), bounded memory on a large file, errors and
// aborts reject and leave no output file, and an over-long line is an error.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync, createWriteStream as openOut } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { once } from "node:events";

const dir = mkdtempSync(join(tmpdir(), "csv-"));
const read = (p) => gunzipSync(readFileSync(p)).toString("utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

// Correctness on awkward input.
writeFileSync(join(dir, "a.csv"), "id,name,city\r\n1,Zoë,Köln\r\n\r\n2,Ærø,\n3,short\n4,日本語,東京");
await convert(join(dir, "a.csv"), join(dir, "a.ndjson.gz"));
assert.deepEqual(read(join(dir, "a.ndjson.gz")), [
  { id: "1", name: "Zoë", city: "Köln" },
  { id: "2", name: "Ærø", city: "" },
  { id: "3", name: "short", city: null },
  { id: "4", name: "日本語", city: "東京" },
]);

// Multi-byte characters straddling the 64 KiB read chunks, and a large file with bounded memory.
const big = join(dir, "big.csv");
const out = openOut(big);
out.write("n,text\n");
const row = (i) => `${i},${"€".repeat((i % 50) + 1)}ü日\n`;
let bytes = 0;
for (let i = 0; i < 100_000; i++) {
  const r = row(i);
  bytes += Buffer.byteLength(r);
  if (!out.write(r)) await once(out, "drain");
}
out.end();
await once(out, "finish");
global.gc?.();
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 25);
await convert(big, join(dir, "big.ndjson.gz"));
clearInterval(timer);
assert.ok(bytes > 7e6, `test file is ${bytes} bytes`);
assert.ok(peak - rss0 < 40e6, `memory grew by ${((peak - rss0) / 1e6).toFixed(1)} MB for a ${(bytes / 1e6).toFixed(0)} MB file`);
const rows = read(join(dir, "big.ndjson.gz"));
assert.equal(rows.length, 100_000);
for (const i of [0, 1, 4095, 12_345, 99_999]) {
  assert.deepEqual(rows[i], { n: String(i), text: row(i).split(",")[1].trimEnd() }, `row ${i}`);
}

// Errors: a missing input rejects and leaves no output, no temp file.
await assert.rejects(convert(join(dir, "missing.csv"), join(dir, "m.gz")), { code: "ENOENT" });
assert.ok(!existsSync(join(dir, "m.gz")));
// An unwritable destination rejects.
await assert.rejects(convert(join(dir, "a.csv"), join(dir, "no/such/dir/x.gz")), { code: "ENOENT" });
// A line with no newline for more than the limit is an error, not unbounded memory.
writeFileSync(join(dir, "long.csv"), "h\n" + "x".repeat(3 << 20));
await assert.rejects(convert(join(dir, "long.csv"), join(dir, "long.gz")), /line longer than/);
assert.ok(!existsSync(join(dir, "long.gz")));

// Cancellation: aborting mid-way rejects with AbortError, and no (partial) output is left behind.
const ac = new AbortController();
setTimeout(() => ac.abort(), 30);
await assert.rejects(convert(big, join(dir, "aborted.gz"), { signal: ac.signal }), { name: "AbortError" });
assert.ok(!existsSync(join(dir, "aborted.gz")), "no output after abort");
assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "temp files removed");
await assert.rejects(convert(join(dir, "a.csv"), join(dir, "pre.gz"), { signal: AbortSignal.abort() }), { name: "AbortError" });
console.log("node-stream-pipeline-transform: ok");
