// Check for aws-cdk-sqs-lambda-worker. The stack is built with a CDK stand-in (aws-cdk-lib is not
// installable here) that records props and validates them like CDK; the check asserts the design
// rules the answer states. The handler runs for real: partial batch failures, bad JSON, all-fail,
// empty batches, and records processed in order.
import assert from "node:assert/strict";
import { App } from "aws-cdk-lib";

const stack = new OrdersWorkerStack(new App(), "OrdersWorker");
const byType = (t) => stack.resources.filter((r) => r.constructor.name === t);
const [fn] = byType("Function");
const queues = byType("Queue");
const [table] = byType("Table");
const [alarm] = byType("Alarm");
assert.equal(queues.length, 2);
const queue = queues.find((q) => q.props.deadLetterQueue);
const dlq = queue.props.deadLetterQueue.queue;
assert.ok(queues.includes(dlq), "the DLQ is a queue of this stack");
assert.ok(queue.props.deadLetterQueue.maxReceiveCount >= 3 && queue.props.deadLetterQueue.maxReceiveCount <= 10,
  "small maxReceiveCount");
assert.equal(dlq.props.retentionPeriod.toDays(), 14, "DLQ keeps messages 14 days");
assert.ok(queue.props.visibilityTimeout.toSeconds() >= 6 * fn.timeoutSeconds,
  `visibility ${queue.props.visibilityTimeout.toSeconds()} s < 6 x function timeout ${fn.timeoutSeconds} s`);
for (const q of queues) assert.notEqual(q.props.encryption, "NONE", "queues encrypted");

// Event source: the function consumes the main queue with partial batch responses and a cap.
assert.equal(fn.eventSources.length, 1);
const src = fn.eventSources[0];
assert.equal(src.queue, queue);
assert.equal(src.props.reportBatchItemFailures, true);
assert.ok(src.props.maxConcurrency >= 2, "concurrency cap set");
assert.ok(queue.grants.some((g) => g.grantee === fn && g.actions.includes("sqs:DeleteMessage")),
  "consume rights come from the event source");
assert.equal(dlq.grants.length, 0, "the worker gets nothing on the DLQ");

// Least privilege on the table: write actions only, on this table, for this function.
assert.equal(table.grants.length, 1);
assert.equal(table.grants[0].grantee, fn);
assert.ok(table.grants[0].actions.every((a) => !a.endsWith("*") && !/GetItem|Query|Scan/.test(a)), "write only");
assert.equal(fn.props.environment.TABLE_NAME, table.tableName, "table name passed by reference, not hard-coded");
assert.equal(fn.props.runtime.name, "nodejs22.x");

// Alarm on DLQ depth >= 1, missing data not breaching.
assert.equal(alarm.props.metric.queue, dlq);
assert.equal(alarm.props.metric.metricName, "ApproximateNumberOfMessagesVisible");
assert.equal(alarm.props.threshold, 1);
assert.equal(alarm.props.comparisonOperator, "GreaterThanOrEqualToThreshold");
assert.equal(alarm.props.treatMissingData, "notBreaching");

// The handler: only failed records are reported; the others are acknowledged.
const errors = [];
console.error = (m) => errors.push(JSON.parse(m));
const seen = [];
globalThis.processOrderImpl = async (order) => {
  seen.push(order.id);
  if (order.id === "bad") throw new Error("validation failed");
  if (order.id === "slow") await new Promise((r) => setTimeout(r, 20));
};
const rec = (messageId, body) => ({ messageId, body, receiptHandle: `rh-${messageId}`, attributes: {} });
let res = await handler({ Records: [rec("m1", '{"id":"a"}'), rec("m2", '{"id":"bad"}'), rec("m3", "{not json"),
  rec("m4", '{"id":"slow"}'), rec("m5", '{"id":"b"}')] });
assert.deepEqual(res, { batchItemFailures: [{ itemIdentifier: "m2" }, { itemIdentifier: "m3" }] });
assert.deepEqual(seen, ["a", "bad", "slow", "b"], "records processed in order, one bad record does not stop the batch");
assert.deepEqual(errors.map((e) => e.messageId), ["m2", "m3"]);
assert.match(errors[0].error, /validation failed/);
assert.deepEqual(await handler({ Records: [] }), { batchItemFailures: [] });
res = await handler({ Records: [rec("x1", '{"id":"bad"}'), rec("x2", "")] });
assert.deepEqual(res.batchItemFailures.map((f) => f.itemIdentifier), ["x1", "x2"]);
console.log("aws-cdk-sqs-lambda-worker: ok");
