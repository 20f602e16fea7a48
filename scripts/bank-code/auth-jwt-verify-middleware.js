// Check for auth-jwt-verify-middleware with real RS256/ES256 signatures (node:crypto), a JWKS
// served through a faked global fetch, the jose stand-in and the Express stand-in: valid tokens
// pass with identity and scopes; missing, malformed, expired, not-yet-valid, wrong issuer or
// audience, alg none, HS256 confusion, tampered and unknown-key tokens get 401; scopes give 403;
// key rotation is picked up after the JWKS cooldown.
import "data:text/javascript,process.env.OIDC_ISSUER='https://id.test/';process.env.API_AUDIENCE='orders-api';process.env.OIDC_JWKS_URI='https://id.test/.well-known/jwks.json'";
import assert from "node:assert/strict";
import * as nodeCrypto from "node:crypto";
import * as nodeHttp from "node:http";

const rsa = nodeCrypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = nodeCrypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const rotated = nodeCrypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = (pub, kid, alg) => ({ ...pub.export({ format: "jwk" }), kid, alg, use: "sig" });
let jwks = { keys: [jwk(rsa.publicKey, "k1", "RS256"), jwk(ec.publicKey, "k2", "ES256")] };
let jwksFetches = 0;
globalThis.fetch = async (url) => {
  assert.equal(String(url), "https://id.test/.well-known/jwks.json", "keys from the configured jwks_uri only");
  jwksFetches++;
  return new Response(JSON.stringify(jwks), { status: 200, headers: { "content-type": "application/json" } });
};

let clockShift = 0;
const realNow = Date.now;
Date.now = () => realNow() + clockShift;
const nowS = () => Math.floor(Date.now() / 1000);
const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
function sign(claims, { alg = "RS256", kid = "k1", key = rsa.privateKey, header = {} } = {}) {
  const h = enc({ alg, kid, typ: "JWT", ...header });
  const p = enc({ iss: "https://id.test/", aud: "orders-api", sub: "user-42", scope: "orders.read profile",
    iat: nowS(), exp: nowS() + 300, ...claims });
  const data = Buffer.from(`${h}.${p}`);
  let sig;
  if (alg === "none") sig = Buffer.alloc(0);
  else if (alg === "HS256") sig = nodeCrypto.createHmac("sha256", key).update(data).digest();
  else if (alg === "ES256") sig = nodeCrypto.sign("sha256", data, { key, dsaEncoding: "ieee-p1363" });
  else sig = nodeCrypto.sign("sha256", data, key);
  return `${h}.${p}.${sig.toString("base64url")}`;
}

app.get("/boom", requireAuth, () => { throw new Error("handler bug"); });
app.use((err, req, res, next) => res.status(500).json({ error: "server_error" }));
const server = app.listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const port = server.address().port;
function get(path, authorization) {
  return new Promise((resolve, reject) => {
    nodeHttp.get({ host: "127.0.0.1", port, path, agent: false,
      headers: authorization === undefined ? {} : { authorization } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, www: res.headers["www-authenticate"],
        body: body ? JSON.parse(body) : null }));
    }).on("error", reject);
  });
}

// Valid RS256 and ES256 tokens: identity and scopes reach the handler.
let r = await get("/orders/7", `Bearer ${sign({})}`);
assert.equal(r.status, 200, JSON.stringify(r.body));
assert.deepEqual(r.body, { id: "7", requestedBy: "user-42" });
r = await get("/orders/7", `bearer ${sign({ sub: "svc-9" }, { alg: "ES256", kid: "k2", key: ec.privateKey })}`);
assert.equal(r.status, 200);
assert.equal(r.body.requestedBy, "svc-9");
assert.equal(jwksFetches, 1, "JWKS cached across requests");

// Missing or malformed credentials: 401 missing_token with a Bearer challenge.
for (const h of [undefined, "", "Basic dXNlcjpwdw==", "Bearer", "Bearer "]) {
  r = await get("/orders/7", h);
  assert.equal(r.status, 401, String(h));
  assert.equal(r.body.error, "missing_token");
  assert.equal(r.www, "Bearer");
}

// Invalid tokens: 401 invalid_token, same answer whatever the reason.
const [h0, p0, s0] = sign({}).split(".");
const invalid = {
  garbage: "not.a.jwt",
  twoParts: `${h0}.${p0}`,
  expired: sign({ exp: nowS() - 120 }),
  notYetValid: sign({ nbf: nowS() + 300 }),
  wrongIssuer: sign({ iss: "https://evil.test/" }),
  wrongAudience: sign({ aud: "billing-api" }),
  noSub: sign({ sub: undefined }),
  numericSub: sign({ sub: 42 }),
  algNone: sign({}, { alg: "none" }),
  hs256WithPublicKey: sign({}, { alg: "HS256", key: rsa.publicKey.export({ type: "spki", format: "pem" }) }),
  tampered: `${h0}.${enc({ iss: "https://id.test/", aud: "orders-api", sub: "admin", exp: nowS() + 300 })}.${s0}`,
  unknownKid: sign({}, { kid: "k-unknown" }),
  wrongKey: sign({}, { key: rotated.privateKey }),
  rsKeyEsAlg: sign({}, { alg: "ES256", kid: "k1", key: ec.privateKey }),
};
for (const [name, token] of Object.entries(invalid)) {
  r = await get("/orders/7", `Bearer ${token}`);
  assert.equal(r.status, 401, `${name} must be rejected`);
  assert.equal(r.body.error, "invalid_token", name);
  assert.match(r.www, /error="invalid_token"/, name);
}
// Clock skew: expired 10 s ago is accepted (30 s tolerance); aud as an array is fine.
assert.equal((await get("/orders/7", `Bearer ${sign({ exp: nowS() - 10 })}`)).status, 200);
assert.equal((await get("/orders/7", `Bearer ${sign({ aud: ["x", "orders-api"] })}`)).status, 200);

// Scopes: authenticated but missing orders.read -> 403.
r = await get("/orders/7", `Bearer ${sign({ scope: "profile orders.write" })}`);
assert.equal(r.status, 403);
assert.equal(r.body.error, "insufficient_scope");
r = await get("/orders/7", `Bearer ${sign({ scope: undefined })}`);
assert.equal(r.status, 403);

// A handler error is not reported as a token problem.
r = await get("/boom", `Bearer ${sign({})}`);
assert.equal(r.status, 500, "handler errors must reach the error handler, not become 401");

// Key rotation: a new kid is fetched once the JWKS cache cooldown has passed.
jwks = { keys: [...jwks.keys, jwk(rotated.publicKey, "k3", "RS256")] };
clockShift = 31_000;
const before = jwksFetches;
r = await get("/orders/7", `Bearer ${sign({}, { kid: "k3", key: rotated.privateKey })}`);
assert.equal(r.status, 200, "rotated key accepted after refetch");
assert.equal(jwksFetches, before + 1);
server.close();
console.log("auth-jwt-verify-middleware: ok");
