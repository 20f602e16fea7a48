"use strict";
// In-memory MongoDB subset: see README.md. Written against the MongoDB manual's semantics.
const { ObjectId, MongoServerError } = require("./index.js");

const unsupported = (what) => { throw new Error(`fake mongodb: unsupported ${what}`); };
const isPlain = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date) &&
  !(v instanceof ObjectId) && !(v instanceof RegExp) && !Buffer.isBuffer(v);

// ---- types, comparison ----------------------------------------------------------------------
function bsonType(v) {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? "int" : "double";
  if (typeof v === "bigint") return "long";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (v instanceof Date) return "date";
  if (v instanceof ObjectId) return "objectId";
  if (v instanceof RegExp) return "regex";
  if (Array.isArray(v)) return "array";
  if (Buffer.isBuffer(v)) return "binData";
  return "object";
}
const ORDER = { missing: 1, null: 1, int: 2, double: 2, long: 2, string: 3, object: 4, array: 5, binData: 6,
  objectId: 7, bool: 8, date: 9, regex: 10 };
const cls = (v) => ORDER[bsonType(v)];

function compare(a, b) {
  const ca = cls(a), cb = cls(b);
  if (ca !== cb) return ca - cb;
  switch (ca) {
    case 1: return 0;
    case 2: return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
    case 3: return a < b ? -1 : a > b ? 1 : 0;
    case 7: return a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0;
    case 8: return (a ? 1 : 0) - (b ? 1 : 0);
    case 9: return a.getTime() - b.getTime();
    case 5: {
      for (let i = 0; i < Math.min(a.length, b.length); i++) { const c = compare(a[i], b[i]); if (c) return c; }
      return a.length - b.length;
    }
    case 4: {
      const ka = Object.keys(a), kb = Object.keys(b);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
        const c = compare(a[ka[i]], b[kb[i]]); if (c) return c;
      }
      return ka.length - kb.length;
    }
    default: return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  }
}
const equal = (a, b) => cls(a) === cls(b) && compare(a, b) === 0 &&
  !((a === undefined) !== (b === undefined) && !(a === null || b === null));

function canonical(v) {
  if (v instanceof Date) return `D${v.toISOString()}`;
  if (v instanceof ObjectId) return `O${v.hex}`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isPlain(v)) return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  if (v === undefined) return "null";
  if (typeof v === "number") return `N${v}`;
  return JSON.stringify(v);
}

function clone(v) {
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof ObjectId) return new ObjectId(v.hex);
  if (Array.isArray(v)) return v.map(clone);
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

// ---- paths --------------------------------------------------------------------------------------
function exprGet(v, parts) {
  if (parts.length === 0) return v;
  if (Array.isArray(v)) return v.map((e) => exprGet(e, parts)).filter((x) => x !== undefined);
  if (isPlain(v)) return exprGet(v[parts[0]], parts.slice(1));
  return undefined;
}
function queryValues(v, parts) {
  if (parts.length === 0) return Array.isArray(v) ? [v, ...v] : [v];
  if (Array.isArray(v)) {
    const out = [];
    if (/^\d+$/.test(parts[0])) out.push(...queryValues(v[Number(parts[0])], parts.slice(1)));
    for (const e of v) if (isPlain(e) || Array.isArray(e)) out.push(...queryValues(e, parts));
    return out.length ? out : [undefined];
  }
  if (isPlain(v)) return queryValues(v[parts[0]], parts.slice(1));
  return [undefined];
}
function setPath(doc, path, value) {
  const parts = path.split(".");
  let o = doc;
  for (const p of parts.slice(0, -1)) { if (!isPlain(o[p])) o[p] = {}; o = o[p]; }
  o[parts.at(-1)] = value;
}
function unsetPath(doc, path) {
  const parts = path.split(".");
  let o = doc;
  for (const p of parts.slice(0, -1)) { if (!isPlain(o[p])) return; o = o[p]; }
  delete o[parts.at(-1)];
}

// ---- query --------------------------------------------------------------------------------------
function matches(doc, filter) {
  for (const [k, cond] of Object.entries(filter || {})) {
    if (k === "$and") { if (!cond.every((f) => matches(doc, f))) return false; continue; }
    if (k === "$or") { if (!cond.some((f) => matches(doc, f))) return false; continue; }
    if (k === "$nor") { if (cond.some((f) => matches(doc, f))) return false; continue; }
    if (k === "$jsonSchema") { if (validate(doc, cond).length) return false; continue; }
    if (k === "$expr") { if (!truthy(evaluate(cond, doc))) return false; continue; }
    if (k.startsWith("$")) unsupported(`query operator ${k}`);
    if (!fieldMatches(queryValues(doc, k.split(".")), cond)) return false;
  }
  return true;
}
const isOpObject = (c) => isPlain(c) && Object.keys(c).length > 0 && Object.keys(c).every((k) => k.startsWith("$"));
function fieldMatches(cands, cond) {
  if (cond instanceof RegExp) return cands.some((v) => typeof v === "string" && cond.test(v));
  if (!isOpObject(cond)) return cands.some((v) => equal(v, cond) || (cond === null && v === undefined));
  return Object.entries(cond).every(([op, arg]) => {
    const same = (v) => cls(v) === cls(arg);
    switch (op) {
      case "$eq": return fieldMatches(cands, arg);
      case "$ne": return !fieldMatches(cands, arg);
      case "$gt": return cands.some((v) => same(v) && compare(v, arg) > 0);
      case "$gte": return cands.some((v) => same(v) && compare(v, arg) >= 0);
      case "$lt": return cands.some((v) => same(v) && compare(v, arg) < 0);
      case "$lte": return cands.some((v) => same(v) && compare(v, arg) <= 0);
      case "$in": return arg.some((a) => fieldMatches(cands, a));
      case "$nin": return !arg.some((a) => fieldMatches(cands, a));
      case "$exists": return cands.some((v) => v !== undefined) === Boolean(arg);
      case "$not": return !fieldMatches(cands, arg);
      case "$regex": {
        const re = arg instanceof RegExp ? arg : new RegExp(arg, cond.$options || "");
        return cands.some((v) => typeof v === "string" && re.test(v));
      }
      case "$options": return true;
      case "$elemMatch": return cands.some((v) => Array.isArray(v) && v.some((e) =>
        isPlain(e) && !isOpObject(arg) ? matches(e, arg) : fieldMatches([e], arg)));
      case "$size": return cands.some((v) => Array.isArray(v) && v.length === arg);
      default: return unsupported(`query operator ${op}`);
    }
  });
}

// ---- $jsonSchema ------------------------------------------------------------------------------
const TYPE_ALIASES = { number: ["int", "double", "long", "decimal"] };
function typeOk(v, want) {
  return [].concat(want).some((t) => (TYPE_ALIASES[t] || [t]).includes(bsonType(v)));
}
function validate(v, schema, path = "") {
  const errs = [];
  const at = path || "(root)";
  for (const k of Object.keys(schema)) {
    if (!["bsonType", "type", "required", "properties", "enum", "pattern", "minimum", "maximum", "items",
      "uniqueItems", "additionalProperties", "minLength", "maxLength", "minItems", "maxItems", "description",
      "title", "exclusiveMinimum", "exclusiveMaximum"].includes(k)) unsupported(`$jsonSchema keyword ${k}`);
  }
  if (schema.bsonType !== undefined && !typeOk(v, schema.bsonType)) { errs.push(`${at}: bsonType`); return errs; }
  if (schema.type !== undefined) {
    const map = { object: "object", array: "array", string: "string", boolean: "bool", null: "null", number: "number" };
    if (![].concat(schema.type).some((t) => typeOk(v, map[t] || unsupported(`type ${t}`)))) { errs.push(`${at}: type`); return errs; }
  }
  if (schema.enum && !schema.enum.some((e) => equal(v, e))) errs.push(`${at}: enum`);
  if (typeof v === "string") {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(v)) errs.push(`${at}: pattern`);
    if (schema.minLength !== undefined && [...v].length < schema.minLength) errs.push(`${at}: minLength`);
    if (schema.maxLength !== undefined && [...v].length > schema.maxLength) errs.push(`${at}: maxLength`);
  }
  if (typeof v === "number") {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? v <= schema.minimum : v < schema.minimum)) errs.push(`${at}: minimum`);
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? v >= schema.maximum : v > schema.maximum)) errs.push(`${at}: maximum`);
  }
  if (Array.isArray(v)) {
    if (schema.items) v.forEach((e, i) => errs.push(...validate(e, schema.items, `${path}[${i}]`)));
    if (schema.uniqueItems && new Set(v.map(canonical)).size !== v.length) errs.push(`${at}: uniqueItems`);
    if (schema.minItems !== undefined && v.length < schema.minItems) errs.push(`${at}: minItems`);
    if (schema.maxItems !== undefined && v.length > schema.maxItems) errs.push(`${at}: maxItems`);
  }
  if (isPlain(v)) {
    for (const r of schema.required || []) if (v[r] === undefined) errs.push(`${path ? path + "." : ""}${r}: required`);
    const props = schema.properties || {};
    for (const [k, sub] of Object.entries(props)) {
      if (v[k] !== undefined) errs.push(...validate(v[k], sub, path ? `${path}.${k}` : k));
    }
    if (schema.additionalProperties === false) {
      for (const k of Object.keys(v)) if (!(k in props)) errs.push(`${path ? path + "." : ""}${k}: additionalProperties`);
    }
  }
  return errs;
}

// ---- expressions -----------------------------------------------------------------------------
const truthy = (v) => !(v === false || v === null || v === undefined || v === 0);
function evaluate(e, doc, vars = {}) {
  if (typeof e === "string" && e.startsWith("$$")) {
    const [name, ...rest] = e.slice(2).split(".");
    if (name === "ROOT" || name === "CURRENT") return exprGet(doc, rest);
    if (!(name in vars)) unsupported(`variable $$${name}`);
    return exprGet(vars[name], rest);
  }
  if (typeof e === "string" && e.startsWith("$")) return exprGet(doc, e.slice(1).split("."));
  if (Array.isArray(e)) return e.map((x) => evaluate(x, doc, vars));
  if (!isPlain(e)) return e;
  const keys = Object.keys(e);
  if (keys.length === 1 && keys[0].startsWith("$")) {
    const op = keys[0];
    const raw = e[op];
    const args = () => [].concat(raw).map((x) => evaluate(x, doc, vars));
    const nums = () => args().map((x) => (x === undefined ? null : x));
    switch (op) {
      case "$literal": return raw;
      case "$add": { const a = nums(); if (a.some((x) => x === null)) return null;
        const d = a.find((x) => x instanceof Date); const s = a.reduce((t, x) => t + (x instanceof Date ? x.getTime() : x), 0);
        return d ? new Date(s) : s; }
      case "$subtract": { const [a, b] = nums(); if (a === null || b === null) return null;
        if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
        if (a instanceof Date) return new Date(a.getTime() - b); return a - b; }
      case "$multiply": { const a = nums(); return a.some((x) => x === null) ? null : a.reduce((t, x) => t * x, 1); }
      case "$divide": { const [a, b] = nums(); if (a === null || b === null) return null;
        if (b === 0) throw new MongoServerError("can't $divide by zero", 2); return a / b; }
      case "$ifNull": { const a = args(); return a.find((x) => x !== null && x !== undefined) ?? a.at(-1) ?? null; }
      case "$slice": { const [arr, n, m] = args(); if (arr === null || arr === undefined) return null;
        if (m !== undefined) return arr.slice(n < 0 ? Math.max(arr.length + n, 0) : n, (n < 0 ? Math.max(arr.length + n, 0) : n) + m);
        return n >= 0 ? arr.slice(0, n) : arr.slice(n); }
      case "$size": { const [a] = args(); if (!Array.isArray(a)) throw new MongoServerError("The argument to $size must be an array", 17124); return a.length; }
      case "$arrayElemAt": { const [a, i] = args(); if (!Array.isArray(a)) return null; return i < 0 ? a[a.length + i] : a[i]; }
      case "$concat": { const a = args(); return a.some((x) => x === null || x === undefined) ? null : a.join(""); }
      case "$toString": { const [a] = args(); return a === null || a === undefined ? null : a instanceof Date ? a.toISOString() : String(a); }
      case "$cond": { const [c, t, f] = Array.isArray(raw) ? raw : [raw.if, raw.then, raw.else];
        return truthy(evaluate(c, doc, vars)) ? evaluate(t, doc, vars) : evaluate(f, doc, vars); }
      case "$eq": { const [a, b] = args(); return compare(a, b) === 0 && cls(a) === cls(b); }
      case "$ne": { const [a, b] = args(); return !(compare(a, b) === 0 && cls(a) === cls(b)); }
      case "$gt": { const [a, b] = args(); return compare(a, b) > 0; }
      case "$gte": { const [a, b] = args(); return compare(a, b) >= 0; }
      case "$lt": { const [a, b] = args(); return compare(a, b) < 0; }
      case "$lte": { const [a, b] = args(); return compare(a, b) <= 0; }
      case "$and": return args().every(truthy);
      case "$or": return args().some(truthy);
      case "$not": return !truthy(args()[0]);
      case "$in": { const [a, arr] = args(); return arr.some((x) => equal(x, a)); }
      case "$dateTrunc": {
        const date = evaluate(raw.date, doc, vars);
        if (date === null || date === undefined) return null;
        if (raw.timezone !== undefined && !["UTC", "GMT", "Etc/UTC", "+00:00", "Z"].includes(raw.timezone)) {
          unsupported("$dateTrunc timezone other than UTC");
        }
        const binSize = raw.binSize ?? 1;
        if (binSize !== 1) unsupported("$dateTrunc binSize");
        const d = new Date(date.getTime());
        switch (raw.unit) {
          case "year": return new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
          case "quarter": return new Date(Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1));
          case "month": return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
          case "day": return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
          case "hour": return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()));
          default: return unsupported(`$dateTrunc unit ${raw.unit}`);
        }
      }
      default: return unsupported(`expression ${op}`);
    }
  }
  const out = {};
  for (const [k, x] of Object.entries(e)) { const v = evaluate(x, doc, vars); if (v !== undefined) out[k] = v; }
  return out;
}

// ---- aggregation ------------------------------------------------------------------------------
function sortDocs(docs, spec) {
  const keys = Object.entries(spec);
  return docs.map((d, i) => [d, i]).sort(([a, ia], [b, ib]) => {
    for (const [k, dir] of keys) {
      const c = compare(exprGet(a, k.split(".")), exprGet(b, k.split(".")));
      if (c) return dir < 0 ? -c : c;
    }
    return ia - ib; // stable for equal keys
  }).map(([d]) => d);
}

function accumulate(groups, docs, spec, vars) {
  const { _id: idExpr, ...accs } = spec;
  const order = [];
  for (const doc of docs) {
    const id = evaluate(idExpr, doc, vars);
    const key = canonical(id ?? null);
    let g = groups.get(key);
    if (!g) { g = { _id: id ?? null, state: {} }; groups.set(key, g); order.push(key); }
    for (const [field, acc] of Object.entries(accs)) {
      const [op] = Object.keys(acc);
      const arg = acc[op];
      const st = g.state;
      switch (op) {
        case "$sum": { const v = evaluate(arg, doc, vars); st[field] = (st[field] ?? 0) + (typeof v === "number" ? v : 0); break; }
        case "$count": st[field] = (st[field] ?? 0) + 1; break;
        case "$avg": { const v = evaluate(arg, doc, vars); const s = st[field] ?? { n: 0, t: 0 };
          if (typeof v === "number") { s.n++; s.t += v; } st[field] = s; break; }
        case "$min": case "$max": { const v = evaluate(arg, doc, vars); if (v === undefined || v === null) break;
          if (st[field] === undefined || (op === "$min" ? compare(v, st[field]) < 0 : compare(v, st[field]) > 0)) st[field] = v; break; }
        case "$first": if (!(field in st)) st[field] = evaluate(arg, doc, vars) ?? null; break;
        case "$last": st[field] = evaluate(arg, doc, vars) ?? null; break;
        case "$push": (st[field] ??= []).push(evaluate(arg, doc, vars) ?? null); break;
        case "$addToSet": { const v = evaluate(arg, doc, vars); const a = (st[field] ??= []);
          if (v !== undefined && !a.some((x) => equal(x, v))) a.push(v); break; }
        case "$firstN": case "$lastN": (st[field] ??= []).push(evaluate(arg.input, doc, vars) ?? null); break;
        case "$topN": case "$bottomN": case "$top": case "$bottom":
          (st[field] ??= []).push({ doc, out: evaluate(arg.output, doc, vars) }); break;
        default: unsupported(`accumulator ${op}`);
      }
    }
  }
  return order.map((key) => {
    const g = groups.get(key);
    const out = { _id: g._id };
    for (const [field, acc] of Object.entries(accs)) {
      const [op] = Object.keys(acc);
      const arg = acc[op];
      let v = g.state[field];
      if (op === "$avg") v = v && v.n ? v.t / v.n : null;
      else if (op === "$firstN") v = (v ?? []).slice(0, arg.n);
      else if (op === "$lastN") v = (v ?? []).slice(-arg.n);
      else if (["$topN", "$bottomN", "$top", "$bottom"].includes(op)) {
        let sorted = sortDocs((v ?? []).map((x) => x.doc), arg.sortBy).map((d) => v.find((x) => x.doc === d).out);
        if (op.startsWith("$bottom")) sorted = sorted.reverse();
        v = op.endsWith("N") ? sorted.slice(0, arg.n) : sorted[0];
        if (op.startsWith("$bottom") && op.endsWith("N")) v = v.reverse();
      } else if (v === undefined) v = ["$sum", "$count"].includes(op) ? 0 : ["$push", "$addToSet"].includes(op) ? [] : null;
      out[field] = v;
    }
    return out;
  });
}

function project(doc, spec, vars) {
  const entries = Object.entries(spec);
  const nonId = entries.filter(([k]) => k !== "_id");
  const exclusion = nonId.length > 0 && nonId.every(([, v]) => v === 0 || v === false);
  if (exclusion) {
    const out = clone(doc);
    for (const [k, v] of entries) if (v === 0 || v === false) unsetPath(out, k);
    return out;
  }
  const out = {};
  if (spec._id === undefined || spec._id === 1 || spec._id === true) { if (doc._id !== undefined) out._id = doc._id; }
  for (const [k, v] of entries) {
    if (k === "_id" && (v === 0 || v === false || v === 1 || v === true)) continue;
    if (v === 1 || v === true) { const x = exprGet(doc, k.split(".")); if (x !== undefined) setPath(out, k, clone(x)); }
    else if (v === 0 || v === false) unsupported("mixing inclusion and exclusion in $project");
    else { const x = evaluate(v, doc, vars); if (x !== undefined) setPath(out, k, x); }
  }
  return out;
}

function runPipeline(docs, pipeline, db, vars = {}) {
  let cur = docs.map(clone);
  for (const stage of pipeline) {
    const [name, ...more] = Object.keys(stage);
    if (more.length) throw new MongoServerError("A pipeline stage specification object must contain exactly one field.", 40323);
    const s = stage[name];
    switch (name) {
      case "$match": cur = cur.filter((d) => matches(d, s)); break;
      case "$project": cur = cur.map((d) => project(d, s, vars)); break;
      case "$addFields": case "$set": cur = cur.map((d) => { const o = clone(d);
        for (const [k, v] of Object.entries(s)) setPath(o, k, evaluate(v, d, vars)); return o; }); break;
      case "$unset": cur = cur.map((d) => { const o = clone(d); for (const k of [].concat(s)) unsetPath(o, k); return o; }); break;
      case "$replaceRoot": cur = cur.map((d) => evaluate(s.newRoot, d, vars)); break;
      case "$unwind": {
        const opts = typeof s === "string" ? { path: s } : s;
        const path = opts.path.slice(1);
        cur = cur.flatMap((d) => {
          const v = exprGet(d, path.split("."));
          if (Array.isArray(v) && v.length) return v.map((e) => { const o = clone(d); setPath(o, path, clone(e)); return o; });
          if (Array.isArray(v) || v === undefined || v === null) return opts.preserveNullAndEmptyArrays ? [(() => { const o = clone(d); if (Array.isArray(v)) unsetPath(o, path); return o; })()] : [];
          return [d];
        });
        break;
      }
      case "$group": cur = accumulate(new Map(), cur, s, vars); break;
      case "$sort": cur = sortDocs(cur, s); break;
      case "$limit": if (!(s > 0)) throw new MongoServerError("the limit must be positive", 15958); cur = cur.slice(0, s); break;
      case "$skip": if (!(s >= 0)) throw new MongoServerError("invalid argument to $skip stage", 15956); cur = cur.slice(s); break;
      case "$count": cur = cur.length ? [{ [s]: cur.length }] : []; break;
      case "$facet": { const input = cur; cur = [Object.fromEntries(Object.entries(s).map(([k, p]) => [k, runPipeline(input, p, db, vars)]))]; break; }
      case "$lookup": {
        if (s.let) unsupported("$lookup let");
        const foreign = db.collection(s.from)._docs;
        cur = cur.map((d) => {
          let matched = foreign;
          if (s.localField !== undefined) {
            const local = exprGet(d, s.localField.split("."));
            const locals = Array.isArray(local) ? local : [local ?? null];
            matched = foreign.filter((f) => queryValues(f, s.foreignField.split(".")).some((fv) =>
              locals.some((l) => equal(fv, l) || (l === null && fv === undefined))));
          }
          const joined = s.pipeline ? runPipeline(matched, s.pipeline, db, vars) : matched.map(clone);
          const o = clone(d);
          setPath(o, s.as, joined);
          return o;
        });
        break;
      }
      case "$merge": case "$out": unsupported(`stage ${name} (writes)`); break;
      default: unsupported(`stage ${name}`);
    }
  }
  return cur;
}

// ---- collections ------------------------------------------------------------------------------
class Cursor {
  constructor(producer) { this.producer = producer; this.ops = []; }
  sort(spec) { this.ops.push(["sort", spec]); return this; }
  limit(n) { this.ops.push(["limit", n]); return this; }
  skip(n) { this.ops.push(["skip", n]); return this; }
  project(spec) { this.ops.push(["project", spec]); return this; }
  _run() {
    let docs = this.producer();
    const sort = this.ops.find(([o]) => o === "sort");
    if (sort) docs = sortDocs(docs, sort[1]);
    for (const [o, a] of this.ops) if (o === "skip") docs = docs.slice(a);
    for (const [o, a] of this.ops) if (o === "limit" && a) docs = docs.slice(0, Math.abs(a));
    for (const [o, a] of this.ops) if (o === "project") docs = docs.map((d) => project(d, a, {}));
    return docs;
  }
  toArraySync() { return this._run(); }
  async toArray() { await null; return this._run(); }
  async *[Symbol.asyncIterator]() { yield* this._run(); }
}

class Collection {
  constructor(db, name) {
    this.db = db; this.name = name; this._docs = []; this.indexes = [{ key: { _id: 1 }, name: "_id_", unique: true }];
    this.options = {}; this.warnings = [];
  }
  createIndex(key, opts = {}) {
    const name = opts.name || Object.entries(key).map(([k, v]) => `${k}_${v}`).join("_");
    if (opts.unique) this._checkUnique(this._docs, { key });
    this.indexes.push({ key, name, ...opts });
    return name;
  }
  _checkUnique(docs, only) {
    for (const idx of only ? [only] : this.indexes.filter((i) => i.unique)) {
      const seen = new Map();
      for (const d of docs) {
        const k = canonical(Object.keys(idx.key).map((f) => exprGet(d, f.split(".")) ?? null));
        if (seen.has(k)) throw new MongoServerError(`E11000 duplicate key error collection: test.${this.name} index: ${idx.name || "?"}`, 11000);
        seen.set(k, true);
      }
    }
  }
  _validate(doc, old, opts) {
    const o = this.options;
    if (!o.validator || opts.bypassDocumentValidation) return;
    const valid = (d) => matches(d, o.validator);
    if (valid(doc)) return;
    if ((o.validationLevel || "strict") === "off") return;
    if ((o.validationLevel || "strict") === "moderate" && old && !valid(old)) return;
    if ((o.validationAction || "error") === "warn") { this.warnings.push(doc); return; }
    throw new MongoServerError("Document failed validation", 121);
  }
  insertOne(doc, opts = {}) {
    const d = clone(doc);
    if (d._id === undefined) d._id = new ObjectId();
    this._validate(d, null, opts);
    this._checkUnique([...this._docs, d]);
    this._docs.push(d);
    return { acknowledged: true, insertedId: d._id };
  }
  insertMany(docs, opts = {}) {
    const ids = docs.map((d) => this.insertOne(d, opts).insertedId);
    return { acknowledged: true, insertedCount: ids.length, insertedIds: ids };
  }
  updateOne(filter, update, opts = {}) {
    const i = this._docs.findIndex((d) => matches(d, filter));
    if (i < 0) return { matchedCount: 0, modifiedCount: 0 };
    const old = this._docs[i];
    const d = clone(old);
    for (const [op, fields] of Object.entries(update)) {
      for (const [k, v] of Object.entries(fields)) {
        if (op === "$set") setPath(d, k, clone(v));
        else if (op === "$unset") unsetPath(d, k);
        else if (op === "$inc") setPath(d, k, (exprGet(d, k.split(".")) ?? 0) + v);
        else unsupported(`update operator ${op}`);
      }
    }
    this._validate(d, old, opts);
    const next = [...this._docs]; next[i] = d;
    this._checkUnique(next);
    this._docs = next;
    return { matchedCount: 1, modifiedCount: 1 };
  }
  find(filter = {}) { return new Cursor(() => this._docs.filter((d) => matches(d, filter)).map(clone)); }
  findOne(filter = {}) { return this.find(filter).limit(1).toArraySync()[0] ?? null; }
  countDocuments(filter = {}) { return this._docs.filter((d) => matches(d, filter)).length; }
  aggregate(pipeline, options = {}) { return new Cursor(() => runPipeline(this._docs, pipeline, this.db)); }
}

class FakeDb {
  constructor() { this.collections = new Map(); }
  collection(name) {
    if (!this.collections.has(name)) this.collections.set(name, new Collection(this, name));
    return this.collections.get(name);
  }
  createCollection(name, options = {}) {
    if (this.collections.has(name)) throw new MongoServerError(`Collection test.${name} already exists.`, 48);
    const c = this.collection(name);
    c.options = { validator: options.validator, validationLevel: options.validationLevel, validationAction: options.validationAction };
    if (options.validator) matches({}, options.validator); // reject unsupported keywords early
    return c;
  }
  runCommand(cmd) {
    if (cmd.collMod) {
      const c = this.collection(cmd.collMod);
      for (const k of ["validator", "validationLevel", "validationAction"]) if (k in cmd) c.options[k] = cmd[k];
      if (cmd.validator) matches({}, cmd.validator);
      return { ok: 1 };
    }
    return unsupported(`command ${Object.keys(cmd)[0]}`);
  }
}

module.exports = { FakeDb, Collection, runPipeline, matches, validate, compare, bsonType, ObjectId };
