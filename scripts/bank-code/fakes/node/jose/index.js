"use strict";
// A stand-in for the `jose` package (npm is not reachable here) implementing, with node:crypto,
// the part of its API the bank's answers use: createRemoteJWKSet(url) (fetches the JWKS with the
// global fetch, caches it, refetches on an unknown kid at most every 30 s) and
// jwtVerify(jwt, key | getKey, { issuer, audience, algorithms, clockTolerance, currentDate }).
// Signatures: RS256/384/512, PS256, ES256/384 (JOSE's raw r||s encoding), HS256/384/512, EdDSA.
// Claims: exp, nbf (with clockTolerance in seconds), iss, aud (string or array). "alg: none" and
// algorithms outside the allowlist are rejected. Errors carry jose's `code` values.
const crypto = require("node:crypto");

class JOSEError extends Error {
  constructor(code, message) { super(message); this.code = code; this.name = this.constructor.name; }
}
class JWTClaimValidationFailed extends JOSEError {}
class JWTExpired extends JOSEError {}
class JWSSignatureVerificationFailed extends JOSEError {}
class JOSEAlgNotAllowed extends JOSEError {}
class JWSInvalid extends JOSEError {}
class JWTInvalid extends JOSEError {}
class JWKSNoMatchingKey extends JOSEError {}

const b64 = (s) => Buffer.from(s, "base64url");
const HASH = { 256: "sha256", 384: "sha384", 512: "sha512" };

function verifySig(alg, key, data, sig) {
  const m = /^(RS|PS|ES|HS)(256|384|512)$/.exec(alg);
  if (alg === "EdDSA") return crypto.verify(null, data, key, sig);
  if (!m) throw new JOSEAlgNotAllowed("ERR_JOSE_ALG_NOT_ALLOWED", `unsupported alg ${alg}`);
  const [, fam, bits] = m;
  if (fam === "HS") {
    if (!(key instanceof crypto.KeyObject) || key.type !== "secret") {
      throw new TypeError("HS algorithms require a secret key");
    }
    const mac = crypto.createHmac(HASH[bits], key).update(data).digest();
    return mac.length === sig.length && crypto.timingSafeEqual(mac, sig);
  }
  if (key.type === "secret") throw new TypeError(`${alg} requires an asymmetric key`);
  if (fam === "RS") return key.asymmetricKeyType === "rsa" && crypto.verify(HASH[bits], data, key, sig);
  if (fam === "PS") return crypto.verify(HASH[bits], data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
    saltLength: Number(bits) / 8 }, sig);
  return key.asymmetricKeyType === "ec" && crypto.verify(HASH[bits], data, { key, dsaEncoding: "ieee-p1363" }, sig);
}

async function jwtVerify(jwt, keyOrGetter, options = {}) {
  if (typeof jwt !== "string") throw new JWSInvalid("ERR_JWS_INVALID", "JWS must be a string");
  const parts = jwt.split(".");
  if (parts.length !== 3) throw new JWSInvalid("ERR_JWS_INVALID", "Invalid Compact JWS");
  let header, payload;
  try {
    header = JSON.parse(b64(parts[0]).toString("utf8"));
  } catch {
    throw new JWSInvalid("ERR_JWS_INVALID", "Invalid protected header");
  }
  const alg = header && header.alg;
  if (typeof alg !== "string" || alg === "none") throw new JOSEAlgNotAllowed("ERR_JOSE_ALG_NOT_ALLOWED", "alg not allowed");
  if (options.algorithms && !options.algorithms.includes(alg)) {
    throw new JOSEAlgNotAllowed("ERR_JOSE_ALG_NOT_ALLOWED", `"alg" (Algorithm) Header Parameter value not allowed`);
  }
  const key = typeof keyOrGetter === "function" ? await keyOrGetter(header, { payload: parts[1], signature: parts[2] })
    : keyOrGetter;
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  let ok = false;
  try {
    ok = verifySig(alg, key, data, b64(parts[2]));
  } catch (e) {
    if (e instanceof JOSEError) throw e;
    ok = false;
  }
  if (!ok) throw new JWSSignatureVerificationFailed("ERR_JWS_SIGNATURE_VERIFICATION_FAILED", "signature verification failed");
  try {
    payload = JSON.parse(b64(parts[1]).toString("utf8"));
  } catch {
    throw new JWTInvalid("ERR_JWT_INVALID", "JWT Claims Set must be a JSON object");
  }
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
    throw new JWTInvalid("ERR_JWT_INVALID", "JWT Claims Set must be a top-level JSON object");
  }
  const now = Math.floor((options.currentDate || new Date()).getTime() / 1000);
  const tol = typeof options.clockTolerance === "number" ? options.clockTolerance : 0;
  for (const c of ["exp", "nbf", "iat"]) {
    if (c in payload && typeof payload[c] !== "number") throw new JWTInvalid("ERR_JWT_INVALID", `"${c}" must be a number`);
  }
  if (payload.exp !== undefined && payload.exp <= now - tol) {
    throw new JWTExpired("ERR_JWT_EXPIRED", '"exp" claim timestamp check failed');
  }
  if (payload.nbf !== undefined && payload.nbf > now + tol) {
    throw new JWTClaimValidationFailed("ERR_JWT_CLAIM_VALIDATION_FAILED", '"nbf" claim timestamp check failed');
  }
  if (options.issuer !== undefined) {
    const iss = [].concat(options.issuer);
    if (!iss.includes(payload.iss)) throw new JWTClaimValidationFailed("ERR_JWT_CLAIM_VALIDATION_FAILED", 'unexpected "iss" claim value');
  }
  if (options.audience !== undefined) {
    const want = [].concat(options.audience);
    const have = [].concat(payload.aud === undefined ? [] : payload.aud);
    if (!have.some((a) => want.includes(a))) {
      throw new JWTClaimValidationFailed("ERR_JWT_CLAIM_VALIDATION_FAILED", 'unexpected "aud" claim value');
    }
  }
  return { payload, protectedHeader: header, key };
}

function createRemoteJWKSet(url, { cooldownDuration = 30_000 } = {}) {
  if (!(url instanceof URL)) throw new TypeError("url must be an instance of URL");
  let keys = null;
  let fetchedAt = -Infinity;
  async function reload() {
    const res = await fetch(url.href, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new JOSEError("ERR_JOSE_GENERIC", `Expected 200 OK from the JSON Web Key Set HTTP response`);
    const body = await res.json();
    if (!body || !Array.isArray(body.keys)) throw new JOSEError("ERR_JWKS_INVALID", "JSON Web Key Set malformed");
    keys = body.keys;
    fetchedAt = Date.now();
  }
  function find(header) {
    return keys.filter((k) => (header.kid === undefined || k.kid === header.kid) &&
      (k.alg === undefined || k.alg === header.alg) && (!k.use || k.use === "sig"));
  }
  const getKey = async (header) => {
    if (keys === null) await reload();
    let found = find(header);
    if (found.length === 0 && Date.now() - fetchedAt >= cooldownDuration) {
      await reload(); // unknown kid: maybe the provider rotated keys
      found = find(header);
    }
    if (found.length !== 1) {
      throw new JWKSNoMatchingKey("ERR_JWKS_NO_MATCHING_KEY", "no applicable key found in the JSON Web Key Set");
    }
    return crypto.createPublicKey({ key: found[0], format: "jwk" });
  };
  getKey.reload = reload;
  return getKey;
}

module.exports = {
  jwtVerify, createRemoteJWKSet,
  errors: { JOSEError, JWTClaimValidationFailed, JWTExpired, JWSSignatureVerificationFailed, JOSEAlgNotAllowed,
    JWSInvalid, JWTInvalid, JWKSNoMatchingKey },
};
