"use strict";

class SqsEventSource {
  constructor(queue, props = {}) {
    this.queue = queue;
    this.props = props;
    const b = props.batchSize ?? 10;
    const windowed = props.maxBatchingWindow && props.maxBatchingWindow.toSeconds() > 0;
    if (b < 1 || b > (windowed ? 10000 : 10)) {
      throw new Error(`batchSize must be between 1 and ${windowed ? 10000 : 10}, got ${b}`);
    }
    if (props.maxConcurrency !== undefined && (props.maxConcurrency < 2 || props.maxConcurrency > 1000)) {
      throw new Error("maxConcurrency must be between 2 and 1000 concurrent functions");
    }
  }
  bind(fn) {
    this.target = fn;
    this.queue.grantConsumeMessages(fn); // as CDK does: the event source grants consume rights
  }
}

module.exports = { SqsEventSource };
