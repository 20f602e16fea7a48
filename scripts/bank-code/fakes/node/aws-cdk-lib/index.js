"use strict";
const { Construct } = require("constructs");

class Duration {
  constructor(seconds) {
    if (!(seconds >= 0)) throw new Error(`Duration amounts cannot be negative (${seconds})`);
    this.seconds = seconds;
  }
  static seconds(n) { return new Duration(n); }
  static minutes(n) { return new Duration(n * 60); }
  static hours(n) { return new Duration(n * 3600); }
  static days(n) { return new Duration(n * 86400); }
  static millis(n) { return new Duration(n / 1000); }
  toSeconds() { return this.seconds; }
  toMinutes() { return this.seconds / 60; }
  toDays() { return this.seconds / 86400; }
}

class App extends Construct {
  constructor() { super(undefined, ""); }
}

class Stack extends Construct {
  constructor(scope, id, props = {}) {
    super(scope, id);
    this.props = props;
    this.resources = []; // every construct created under this stack, in order
  }
  static of(c) {
    for (let s = c; s; s = s.node.scope) if (s instanceof Stack) return s;
    throw new Error("No stack could be identified for the construct");
  }
}

/** Base of the fake resources: records the props and registers itself with its stack. */
class Resource extends Construct {
  constructor(scope, id, props = {}) {
    super(scope, id);
    this.props = props;
    Stack.of(this).resources.push(this);
  }
}

module.exports = { App, Stack, Duration, Resource, RemovalPolicy: { DESTROY: "destroy", RETAIN: "retain", SNAPSHOT: "snapshot" } };
