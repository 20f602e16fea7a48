"use strict";
// mongosh globals for checks: `db` (a FakeDb behind a Proxy, db.<name> is a collection),
// ISODate, ObjectId. Every call made through `db` is recorded in db.__calls as
// { target: "db" | <collection>, method, args } so a check can replay it on seeded data.
const { FakeDb, ObjectId } = require("./engine.js");

function shellDb(real = new FakeDb(), calls = []) {
  const wrap = (target, obj) => new Proxy(obj, {
    get(o, prop) {
      const v = o[prop];
      if (typeof v !== "function" || typeof prop !== "string" || prop.startsWith("_")) return v;
      return (...args) => {
        calls.push({ target, method: prop, args });
        const r = v.apply(o, args);
        return r && r.constructor && r.constructor.name === "Cursor"
          ? Object.assign(r, { toArray: () => r.toArraySync() }) : r;
      };
    },
  });
  const dbProxy = new Proxy(real, {
    get(o, prop) {
      if (prop === "__calls") return calls;
      if (prop === "__real") return o;
      if (typeof prop !== "string") return o[prop];
      if (prop === "getCollection") return (n) => wrap(n, o.collection(n));
      if (typeof o[prop] === "function") return (...args) => {
        calls.push({ target: "db", method: prop, args });
        const r = o[prop](...args);
        return r && r.constructor && r.constructor.name === "Collection" ? wrap(prop === "createCollection" ? args[0] : prop, r) : r;
      };
      return wrap(prop, o.collection(prop));
    },
  });
  return dbProxy;
}

globalThis.db = shellDb();
globalThis.ISODate = (s) => (s === undefined ? new Date() : new Date(s));
globalThis.ObjectId = (id) => new ObjectId(id);
module.exports = { shellDb };
