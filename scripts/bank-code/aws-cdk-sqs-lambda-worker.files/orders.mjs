// Support file for the aws-cdk-sqs-lambda-worker check: the handler's `./orders.mjs`. The check
// sets globalThis.processOrderImpl to decide what processing an order does.
export async function processOrder(order) {
  return globalThis.processOrderImpl(order);
}
