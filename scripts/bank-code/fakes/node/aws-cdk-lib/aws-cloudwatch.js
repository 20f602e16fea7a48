"use strict";
const { Resource } = require("./index.js");

const ComparisonOperator = {
  GREATER_THAN_OR_EQUAL_TO_THRESHOLD: "GreaterThanOrEqualToThreshold",
  GREATER_THAN_THRESHOLD: "GreaterThanThreshold",
  LESS_THAN_THRESHOLD: "LessThanThreshold",
  LESS_THAN_OR_EQUAL_TO_THRESHOLD: "LessThanOrEqualToThreshold",
};
const TreatMissingData = { BREACHING: "breaching", NOT_BREACHING: "notBreaching", IGNORE: "ignore", MISSING: "missing" };

class Alarm extends Resource {
  constructor(scope, id, props = {}) {
    super(scope, id, props);
    for (const k of ["metric", "threshold", "evaluationPeriods"]) {
      if (props[k] === undefined) throw new Error(`Alarm requires ${k}`);
    }
    this.actions = [];
  }
  addAlarmAction(...actions) { this.actions.push(...actions); }
}

module.exports = { Alarm, ComparisonOperator, TreatMissingData };
