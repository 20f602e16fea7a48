"use strict";
const crypto = require("node:crypto");

class BSONError extends Error {}
class MongoServerError extends Error {
  constructor(message, code, extra = {}) { super(message); this.name = "MongoServerError"; this.code = code; Object.assign(this, extra); }
}

let counter = crypto.randomInt(0xffffff);
const processUnique = crypto.randomBytes(5);

class ObjectId {
  constructor(id) {
    if (id === undefined || id === null) {
      const b = Buffer.alloc(12);
      b.writeUInt32BE(Math.floor(Date.now() / 1000), 0);
      processUnique.copy(b, 4);
      counter = (counter + 1) % 0xffffff;
      b.writeUIntBE(counter, 9, 3);
      this.hex = b.toString("hex");
    } else if (id instanceof ObjectId) {
      this.hex = id.hex;
    } else if (typeof id === "string" && /^[0-9a-fA-F]{24}$/.test(id)) {
      this.hex = id.toLowerCase();
    } else if (Buffer.isBuffer(id) && id.length === 12) {
      this.hex = id.toString("hex");
    } else {
      throw new BSONError("input must be a 24 character hex string, 12 byte Uint8Array, or an integer");
    }
  }
  static createFromTime(seconds) {
    const b = Buffer.alloc(12);
    b.writeUInt32BE(seconds, 0);
    return new ObjectId(b);
  }
  static isValid(id) { try { new ObjectId(id); return true; } catch { return false; } }
  toHexString() { return this.hex; }
  toString() { return this.hex; }
  toJSON() { return this.hex; }
  equals(other) { return other instanceof ObjectId && other.hex === this.hex; }
  getTimestamp() { return new Date(parseInt(this.hex.slice(0, 8), 16) * 1000); }
  [Symbol.for("nodejs.util.inspect.custom")]() { return `ObjectId('${this.hex}')`; }
}

module.exports = { ObjectId, MongoServerError, BSONError };
