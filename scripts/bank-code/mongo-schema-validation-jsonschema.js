// Check for mongo-schema-validation-jsonschema on the in-memory MongoDB stand-in (no server here):
// the answer's mongosh commands run against `db`; then documents are written to see the validator
// accept and reject what the answer says (types, required, enum, pattern, ranges, arrays, nested),
// the unique index, strict/moderate and error/warn, and the $nor query that lists bad documents.
import "mongodb/shell";
import assert from "node:assert/strict";

const v2 = db.users_v2;
const base = { email: "ada@example.com", status: "active", createdAt: new Date("2024-01-01T00:00:00Z") };
const ok = (doc) => v2.insertOne(doc);
const rejected = (doc, why) => assert.throws(() => v2.insertOne(doc), (e) => e.code === 121, why);

ok(base);
ok({ ...base, email: "b@x.io", age: 41, roles: ["admin", "billing"], address: { country: "NL", city: "Delft" },
     nickname: "extra fields are allowed" });
rejected({ status: "active", createdAt: new Date() }, "email required");
rejected({ ...base, email: "no-at-sign" }, "email pattern");
rejected({ ...base, email: 42 }, "email must be a string");
rejected({ ...base, status: "banned" }, "status enum");
rejected({ ...base, status: undefined }, "status required");
rejected({ ...base, createdAt: "2024-01-01" }, "createdAt must be a date, not a string");
rejected({ ...base, age: 30.5 }, "int rejects a double");
rejected({ ...base, age: 151 }, "age maximum");
rejected({ ...base, age: -1 }, "age minimum");
rejected({ ...base, roles: ["a", "a"] }, "roles unique");
rejected({ ...base, roles: ["a", 1] }, "roles are strings");
rejected({ ...base, roles: "admin" }, "roles is an array");
rejected({ ...base, address: { city: "Delft" } }, "address.country required");
rejected({ ...base, address: "Delft" }, "address is an object");
ok({ ...base, email: "c@x.io", age: 150 });

// Unique index on email: a second Ada is refused by the index, not the validator.
assert.throws(() => ok({ ...base }), (e) => e.code === 11000);
// Updates are validated too (strict), and bypassDocumentValidation skips it.
assert.throws(() => v2.updateOne({ email: "ada@example.com" }, { $set: { status: "gone" } }), (e) => e.code === 121);
v2.updateOne({ email: "ada@example.com" }, { $set: { status: "suspended" } });
v2.insertOne({ email: "legacy", status: "x" }, { bypassDocumentValidation: true });

// The existing collection: give it legacy data as it had before the migration, then apply the
// answer's collMod to it.
const calls = db.__calls;
const collMod = calls.find((c) => c.method === "runCommand" && c.args[0].collMod === "users");
assert.ok(collMod, "collMod on users");
assert.equal(collMod.args[0].validationLevel, "moderate");
assert.equal(collMod.args[0].validationAction, "warn");
const users = db.users;
db.__real.collection("users").options = {};               // as before the migration
const legacyBad = users.insertOne({ email: "nope", status: "zombie" }).insertedId;
users.insertOne({ ...base, email: "good@x.io" });
db.runCommand(collMod.args[0]);                           // apply the answer's collMod again
// warn: an invalid insert is allowed but logged.
users.insertOne({ email: 7 });
assert.equal(db.__real.collection("users").warnings.length, 1, "warn records the failure");
// moderate: an already-invalid document may still be edited; a valid one may not be broken.
db.__real.collection("users").options.validationAction = "error";
users.updateOne({ _id: legacyBad }, { $set: { note: "being cleaned" } });
assert.throws(() => users.updateOne({ email: "good@x.io" }, { $set: { status: "?" } }), (e) => e.code === 121);

// The answer's $nor query lists exactly the non-conforming documents.
const norCall = calls.find((c) => c.target === "users" && c.method === "find");
assert.ok(norCall, "a find on users with $nor + $jsonSchema");
const bad = users.find(norCall.args[0]).toArray().map((d) => d.email);
assert.deepEqual(bad.sort((a, b) => String(a).localeCompare(String(b))), [7, "nope"]);
// Same schema object used everywhere: no placeholders left.
const created = calls.find((c) => c.method === "createCollection");
assert.deepEqual(created.args[1].validator, collMod.args[0].validator);
assert.deepEqual(norCall.args[0].$nor[0], collMod.args[0].validator);
console.log("mongo-schema-validation-jsonschema: ok");
