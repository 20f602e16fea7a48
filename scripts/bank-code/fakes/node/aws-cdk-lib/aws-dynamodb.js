"use strict";
const { Resource } = require("./index.js");

const AttributeType = { STRING: "S", NUMBER: "N", BINARY: "B" };
const BillingMode = { PAY_PER_REQUEST: "PAY_PER_REQUEST", PROVISIONED: "PROVISIONED" };

class Table extends Resource {
  constructor(scope, id, props = {}) {
    super(scope, id, props);
    if (!props.partitionKey) throw new Error("partitionKey is required");
    this.tableName = `\${Token[${id}.Ref]}`;
    this.grants = [];
  }
  grantWriteData(grantee) {
    this.grants.push({ grantee, actions: ["dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
      "dynamodb:DeleteItem", "dynamodb:DescribeTable"], resources: [this] });
  }
  grantReadData(grantee) {
    this.grants.push({ grantee, actions: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query",
      "dynamodb:Scan", "dynamodb:DescribeTable"], resources: [this] });
  }
  grantReadWriteData(grantee) { this.grantReadData(grantee); this.grantWriteData(grantee); }
  grantFullAccess(grantee) { this.grants.push({ grantee, actions: ["dynamodb:*"], resources: [this] }); }
}

module.exports = { Table, AttributeType, BillingMode };
