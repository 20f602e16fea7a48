"use strict";
// A stand-in for node-postgres (npm is not reachable here) that runs every query on the REAL
// PostgreSQL the runner starts (PGHOST/PGPORT/PGDATABASE/PGUSER; the check needs
// `bank-code: needs postgresql`), through psql: PREPARE with $n parameters, EXECUTE with the values,
// and node-postgres's default type parsing (int2/int4/float -> number, int8/numeric -> string,
// timestamp/timestamptz/date -> Date, bool -> boolean, json/jsonb -> parsed, others -> string).
// Supported: Pool#query(text, values) for row-returning SELECT/WITH statements, Pool#end().
// FAKE_PG_DELAY_MS adds latency before each query (to test in-flight requests).
const { execFile } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

function psqlPath() {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const p = path.join(dir, "psql");
    if (fs.existsSync(p)) return p;
  }
  return "psql";
}

function literal(v) {
  if (v === null || v === undefined) return "NULL";
  if (v instanceof Date) return `'${v.toISOString()}'`;
  if (Buffer.isBuffer(v)) return `'\\x${v.toString("hex")}'`;
  if (Array.isArray(v)) throw new Error("fake pg: array parameters are not supported");
  if (typeof v === "object") return `'${JSON.stringify(v).replace(/'/g, "''")}'`;
  return `'${String(v).replace(/'/g, "''")}'`;
}

function parse(type, text) {
  if (text === null) return null;
  if (/^(smallint|integer|real|double precision)$/.test(type)) return Number(text);
  if (type === "boolean") return text === "true";
  if (/^timestamp|^date$/.test(type)) {
    if (type === "date") return new Date(`${text}T00:00:00`);
    if (/with time zone/.test(type)) return new Date(text.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00"));
    return new Date(text.replace(" ", "T"));
  }
  if (type === "json" || type === "jsonb") return JSON.parse(text);
  return text; // bigint, numeric, text, uuid, ... stay strings, as in node-postgres
}

class Pool {
  constructor(config = {}) {
    this.config = config;
    this.ended = false;
    this.queries = 0;
  }

  query(text, values = []) {
    if (typeof text === "object" && text !== null) {
      values = text.values || [];
      text = text.text;
    }
    if (this.ended) return Promise.reject(new Error("Cannot use a pool after calling end on the pool"));
    if (!process.env.PGDATABASE) return Promise.reject(new Error("fake pg: no PostgreSQL (needs postgresql)"));
    this.queries++;
    const delay = Number(process.env.FAKE_PG_DELAY_MS || 0);
    const args = ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose",
      "-c", `PREPARE q AS ${text}`,
      "-c", `CREATE TEMP TABLE r AS EXECUTE q${values.length ? `(${values.map(literal).join(", ")})` : ""}`,
      "-c", `SELECT json_build_object(
        'types', (SELECT json_agg(json_build_array(attname, format_type(atttypid, atttypmod)) ORDER BY attnum)
                  FROM pg_attribute WHERE attrelid = 'r'::regclass AND attnum > 0 AND NOT attisdropped),
        'rows', (SELECT json_agg((SELECT json_agg(v ORDER BY o) FROM json_each_text(row_to_json(r))
                                   WITH ORDINALITY AS e(k, v, o))) FROM r))`];
    return new Promise((resolve, reject) => {
      setTimeout(() => {
        execFile(psqlPath(), args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
          if (err) {
            const m = /ERROR:\s+([0-9A-Z]{5}):\s+(.*)/.exec(stderr) || /ERROR:\s+(.*)/.exec(stderr);
            const e = new Error(m ? m[m.length - 1] : stderr || String(err));
            if (m && m.length === 3) e.code = m[1];
            return reject(e);
          }
          const out = JSON.parse(stdout.trim().split("\n").pop());
          const types = out.types || [];
          const rows = (out.rows || []).map((vals) =>
            Object.fromEntries(types.map(([name, type], i) => [name, parse(type, vals[i])])));
          resolve({ rows, rowCount: rows.length, fields: types.map(([name, type]) => ({ name, type })) });
        });
      }, delay);
    });
  }

  async end() {
    this.ended = true;
  }
}

module.exports = { Pool, default: undefined };
module.exports.default = module.exports;
