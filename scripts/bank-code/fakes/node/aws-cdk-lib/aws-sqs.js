"use strict";
const { Resource, Duration } = require("./index.js");

const QueueEncryption = { UNENCRYPTED: "NONE", SQS_MANAGED: "SQS_MANAGED", KMS_MANAGED: "KMS_MANAGED", KMS: "KMS" };

class Queue extends Resource {
  constructor(scope, id, props = {}) {
    super(scope, id, props);
    const within = (d, lo, hi, what) => {
      if (d !== undefined && !(d.toSeconds() >= lo && d.toSeconds() <= hi)) {
        throw new Error(`${what} must be between ${lo} and ${hi} seconds, got ${d.toSeconds()}`);
      }
    };
    within(props.visibilityTimeout, 0, 43200, "visibilityTimeout");
    within(props.retentionPeriod, 60, 1209600, "retentionPeriod");
    if (props.deadLetterQueue) {
      const n = props.deadLetterQueue.maxReceiveCount;
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error("maxReceiveCount must be between 1 and 1000");
    }
    this.queueArn = `\${Token[${id}.Arn]}`;
    this.queueUrl = `\${Token[${id}.Url]}`;
    this.grants = [];
  }
  metricApproximateNumberOfMessagesVisible(props = {}) {
    return { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", queue: this,
      statistic: props.statistic ?? "Maximum", period: props.period ?? Duration.minutes(5) };
  }
  grantConsumeMessages(grantee) { this.grants.push({ grantee, actions: ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage", "sqs:GetQueueAttributes"] }); }
  grantSendMessages(grantee) { this.grants.push({ grantee, actions: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"] }); }
}

module.exports = { Queue, QueueEncryption };
