# bank-code: needs python:cryptography
import hashlib
import json
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from answer import (BE, BS, UP, UV, ChallengeStore, PossibleClonedAuthenticator,
                    StoredCredential, WebAuthnError, b64url, verify_assertion)

RP_ID = "example.com"
ORIGINS = frozenset({"https://example.com", "https://login.example.com"})


class FakeClock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def spki(key):
    return key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


class Authenticator:
    """Plays the role of the browser plus a passkey provider."""

    def __init__(self, curve=ec.SECP256R1(), be=True, bs=True):
        self.key = ec.generate_private_key(curve)
        self.cred_id = b"cred-" + bytes(range(16))
        self.user_handle = b"\x07" * 16
        self.be, self.bs = be, bs
        self.count = 0

    def assert_(self, challenge, *, origin="https://example.com", rp_id=RP_ID,
                typ="webauthn.get", flags=None, count=None, client_extra=None, key=None):
        client = {"type": typ, "challenge": b64url(challenge), "origin": origin}
        client.update(client_extra or {})
        cdj = json.dumps(client).encode()
        if flags is None:
            flags = UP | UV | (BE if self.be else 0) | (BS if self.bs else 0)
        c = self.count if count is None else count
        ad = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", c)
        sig = (key or self.key).sign(ad + hashlib.sha256(cdj).digest(), ec.ECDSA(hashes.SHA256()))
        return dict(credential_id=self.cred_id, client_data_json=cdj,
                    authenticator_data=ad, signature=sig, user_handle=self.user_handle)

    def stored(self, sign_count=0):
        return StoredCredential(self.cred_id, self.user_handle, spki(self.key),
                                sign_count, self.be)


def verify(cred, resp, challenge, **kw):
    return verify_assertion(cred, expected_challenge=challenge, rp_id=RP_ID,
                            allowed_origins=ORIGINS, **{**resp, **kw})


def rejects(exc_type, fn, *a, **kw):
    try:
        fn(*a, **kw)
    except exc_type:
        return
    except Exception as e:  # a crash (TypeError etc.) is not a clean rejection
        raise AssertionError(f"expected {exc_type.__name__}, got {type(e).__name__}: {e}")
    raise AssertionError(f"expected {exc_type.__name__}, but it was accepted")


auth = Authenticator()
cred = auth.stored()
ch = b"\x01" * 32

# Happy path: synced passkey that always reports counter 0.
assert verify(cred, auth.assert_(ch), ch) == 0
# Subdomain origin in the allow-list is fine.
assert verify(cred, auth.assert_(ch, origin="https://login.example.com"), ch) == 0

# Phishing: relayed challenge, but the browser writes the attacker's origin.
rejects(WebAuthnError, verify, cred, auth.assert_(ch, origin="https://examp1e.com"), ch)
rejects(WebAuthnError, verify, cred, auth.assert_(ch, origin="http://example.com"), ch)
# Credential scoped to another RP ID.
rejects(WebAuthnError, verify, cred, auth.assert_(ch, rp_id="evil.com"), ch)
# Registration response replayed as a login.
rejects(WebAuthnError, verify, cred, auth.assert_(ch, typ="webauthn.create"), ch)
# Wrong challenge.
rejects(WebAuthnError, verify, cred, auth.assert_(b"\x02" * 32), ch)
# Non-string challenge / origin must not crash.
rejects(WebAuthnError, verify, cred, auth.assert_(ch, client_extra={"challenge": 12}), ch)
rejects(WebAuthnError, verify, cred, auth.assert_(ch, client_extra={"challenge": "é"}), ch)
rejects(WebAuthnError, verify, cred, auth.assert_(ch, client_extra={"origin": ["https://example.com"]}), ch)
rejects(WebAuthnError, verify, cred, auth.assert_(ch, client_extra={"crossOrigin": True}), ch)
# Flags.
rejects(WebAuthnError, verify, cred, auth.assert_(ch, flags=UV | BE | BS), ch)           # no UP
rejects(WebAuthnError, verify, cred, auth.assert_(ch, flags=UP | BE | BS), ch)           # no UV
assert verify(cred, auth.assert_(ch, flags=UP | BE | BS), ch, require_uv=False) == 0
rejects(WebAuthnError, verify, cred, auth.assert_(ch, flags=UP | UV), ch)                # BE changed
dev = Authenticator(be=False, bs=False)
rejects(WebAuthnError, verify, dev.stored(), dev.assert_(ch, flags=UP | UV | BS), ch)    # BS without BE

# Tampering and wrong keys.
resp = auth.assert_(ch)
resp["authenticator_data"] = resp["authenticator_data"][:33] + struct.pack(">I", 99)
rejects(WebAuthnError, verify, cred, resp, ch)
other = ec.generate_private_key(ec.SECP256R1())
rejects(WebAuthnError, verify, cred, auth.assert_(ch, key=other), ch)
resp = auth.assert_(ch)
resp["client_data_json"] = resp["client_data_json"].replace(b"}", b', "x": 1}')
rejects(WebAuthnError, verify, cred, resp, ch)
# Malformed inputs.
resp = auth.assert_(ch); resp["client_data_json"] = b"\xff\xfe not json"
rejects(WebAuthnError, verify, cred, resp, ch)
resp = auth.assert_(ch); resp["client_data_json"] = b"[1, 2]"
rejects(WebAuthnError, verify, cred, resp, ch)
resp = auth.assert_(ch); resp["authenticator_data"] = resp["authenticator_data"][:36]
rejects(WebAuthnError, verify, cred, resp, ch)
resp = auth.assert_(ch); resp["signature"] = b"\x30\x00"
rejects(WebAuthnError, verify, cred, resp, ch)
resp = auth.assert_(ch); resp["signature"] = resp["signature"].hex()   # str, not bytes
rejects(WebAuthnError, verify, cred, resp, ch)
resp = auth.assert_(ch); resp["client_data_json"] = b"[" * 3000 + b"]" * 3000  # deep nesting
rejects(WebAuthnError, verify, cred, resp, ch)
resp = auth.assert_(ch, client_extra={"pad": "x" * 10_000})                   # oversized
rejects(WebAuthnError, verify, cred, resp, ch)
# Credential / user mismatch.
resp = auth.assert_(ch); resp["user_handle"] = b"\x08" * 16
rejects(WebAuthnError, verify, cred, resp, ch)
resp = auth.assert_(ch); resp["credential_id"] = b"someone-else"
rejects(WebAuthnError, verify, cred, resp, ch)
resp = auth.assert_(ch); resp["user_handle"] = None   # non-discoverable flow: allowed
assert verify(cred, resp, ch) == 0
# Only P-256 keys accepted for ES256.
p384 = Authenticator(curve=ec.SECP384R1())
rejects(WebAuthnError, verify, p384.stored(), p384.assert_(ch), ch)

# Signature counter (device-bound key that counts).
hw = Authenticator(be=False, bs=False)
hw.count = 5
hcred = hw.stored(sign_count=4)
assert verify(hcred, hw.assert_(ch), ch) == 5
rejects(PossibleClonedAuthenticator, verify, hw.stored(sign_count=5), hw.assert_(ch), ch)
rejects(PossibleClonedAuthenticator, verify, hw.stored(sign_count=7), hw.assert_(ch), ch)
rejects(PossibleClonedAuthenticator, verify, hw.stored(sign_count=3), hw.assert_(ch, count=0), ch)
assert issubclass(PossibleClonedAuthenticator, WebAuthnError)

# Challenge store: single use, expires, never reusable after a failed attempt.
clock = FakeClock()
store = ChallengeStore(ttl_s=300, clock=clock)
c1 = store.issue("attempt-1")
assert len(c1) >= 16 and c1 != store.issue("attempt-2")
assert store.consume("attempt-1") == c1
rejects(WebAuthnError, store.consume, "attempt-1")          # replay
rejects(WebAuthnError, store.consume, "never-issued")
store.issue("attempt-3")
clock.t += 301
rejects(WebAuthnError, store.consume, "attempt-3")          # expired
c4 = store.issue("attempt-4")
try:
    verify(cred, auth.assert_(b"\x09" * 32), store.consume("attempt-4"))
except WebAuthnError:
    pass
rejects(WebAuthnError, store.consume, "attempt-4")          # burned by the failed try
print("passkey-verify-assertion-python: all checks passed")
