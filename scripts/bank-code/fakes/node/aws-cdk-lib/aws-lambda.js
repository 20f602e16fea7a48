"use strict";
const { Resource } = require("./index.js");

class Runtime {
  constructor(name) { this.name = name; }
}
for (const v of [18, 20, 22]) Runtime[`NODEJS_${v}_X`] = new Runtime(`nodejs${v}.x`);
Runtime.PYTHON_3_12 = new Runtime("python3.12");

const Code = {
  fromAsset(path) {
    if (typeof path !== "string" || !path) throw new Error("fromAsset needs a path");
    return { asset: path };
  },
  fromInline(code) { return { inline: code }; },
};

class Function extends Resource {
  constructor(scope, id, props = {}) {
    super(scope, id, props);
    for (const k of ["runtime", "handler", "code"]) if (!props[k]) throw new Error(`Function requires ${k}`);
    const t = props.timeout ? props.timeout.toSeconds() : 3;
    if (t < 1 || t > 900) throw new Error(`Function timeout must be between 1 and 900 seconds, got ${t}`);
    if (props.memorySize !== undefined && (props.memorySize < 128 || props.memorySize > 10240)) {
      throw new Error("memorySize must be between 128 and 10240 MB");
    }
    this.timeoutSeconds = t;
    this.eventSources = [];
    this.functionArn = `\${Token[${id}.Arn]}`;
  }
  addEventSource(source) {
    source.bind(this);
    this.eventSources.push(source);
  }
}

module.exports = { Function, Runtime, Code };
