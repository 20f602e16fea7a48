# bank-code: needs python:cryptography
import os
import threading

from answer import (CiphertextInvalid, KeyStore, SubjectErased, decrypt_field,
                    encrypt_field)


def rejects(exc_type, fn, *a):
    try:
        fn(*a)
    except exc_type:
        return
    except Exception as e:
        raise AssertionError(f"expected {exc_type.__name__}, got {type(e).__name__}: {e}")
    raise AssertionError(f"expected {exc_type.__name__}, but it succeeded")


KEK = os.urandom(32)
keys = KeyStore(KEK)

# Round trip, unicode, empty string; ciphertexts are randomised.
a = encrypt_field(keys, "user-1", "email", "ana@example.com")
b = encrypt_field(keys, "user-1", "email", "ana@example.com")
assert a != b, "same plaintext must not give the same ciphertext"
assert decrypt_field(keys, "user-1", "email", a) == "ana@example.com"
assert decrypt_field(keys, "user-1", "name", encrypt_field(keys, "user-1", "name", "Zoë Ñúñez")) == "Zoë Ñúñez"
assert decrypt_field(keys, "user-1", "note", encrypt_field(keys, "user-1", "note", "")) == ""
assert b"ana@example.com" not in a

# Ciphertext bound to subject and field: moving it fails.
b2 = encrypt_field(keys, "user-2", "email", "bo@example.com")
rejects(CiphertextInvalid, decrypt_field, keys, "user-2", "email", a)      # other subject
rejects(CiphertextInvalid, decrypt_field, keys, "user-1", "phone", a)      # other field

# Tampering, truncation, bad version, wrong type.
t = bytearray(a); t[-1] ^= 1
rejects(CiphertextInvalid, decrypt_field, keys, "user-1", "email", bytes(t))
t = bytearray(a); t[25] ^= 1   # inside the ciphertext body
rejects(CiphertextInvalid, decrypt_field, keys, "user-1", "email", bytes(t))
rejects(CiphertextInvalid, decrypt_field, keys, "user-1", "email", a[:30])
rejects(CiphertextInvalid, decrypt_field, keys, "user-1", "email", b"")
rejects(CiphertextInvalid, decrypt_field, keys, "user-1", "email", bytes([2]) + a[1:])
t = bytearray(a); t[1] ^= 1    # key id altered
rejects(CiphertextInvalid, decrypt_field, keys, "user-1", "email", bytes(t))
rejects(CiphertextInvalid, decrypt_field, keys, "user-1", "email", "not bytes")
rejects(CiphertextInvalid, decrypt_field, keys, "nobody", "email", a)

# A different KEK cannot unwrap the stored keys.
other = KeyStore(os.urandom(32))
rejects(CiphertextInvalid, decrypt_field, other, "user-1", "email", a)
other.restore(keys.snapshot())   # wrapped keys present, but under the wrong KEK
rejects(CiphertextInvalid, decrypt_field, other, "user-1", "email", a)
# A wrapped key relabelled as another subject's fails to unwrap (AAD binds the subject):
# an error, not a crash with a raw InvalidTag.
relabelled = KeyStore(KEK)
relabelled.restore({"user-2": keys.snapshot()["user-1"]})
rejects(CiphertextInvalid, decrypt_field, relabelled, "user-2", "email", a)

# Backups: a ciphertext copy and a key-store snapshot taken before erasure.
backup_copy = bytes(a)
key_backup = keys.snapshot()
keys.shred("user-1")
rejects(SubjectErased, decrypt_field, keys, "user-1", "email", backup_copy)
rejects(SubjectErased, decrypt_field, keys, "user-1", "email", b)
keys.shred("user-1")           # idempotent
keys.shred("never-seen")       # unknown subject: still recorded
rejects(SubjectErased, encrypt_field, keys, "never-seen", "email", "x")
# Late event for an erased subject must not silently create a fresh key.
rejects(SubjectErased, encrypt_field, keys, "user-1", "email", "ana@example.com")
# Restoring the old key backup does not resurrect the erased subject...
keys.restore(key_backup)
rejects(SubjectErased, decrypt_field, keys, "user-1", "email", backup_copy)
# ...but keeps everyone else's data readable.
assert decrypt_field(keys, "user-2", "email", b2) == "bo@example.com"
# The raw stored material for user-1 is gone from the live store.
assert "user-1" not in keys.snapshot()

# Concurrency: many threads writing for a brand-new subject must share one key.
ks = KeyStore(os.urandom(32))
out, errors = [], []
barrier = threading.Barrier(16)


def writer(i):
    try:
        barrier.wait()
        out.append(encrypt_field(ks, "user-new", "email", f"v{i}"))
    except Exception as e:  # pragma: no cover
        errors.append(e)


threads = [threading.Thread(target=writer, args=(i,)) for i in range(16)]
for th in threads:
    th.start()
for th in threads:
    th.join()
assert not errors, errors
assert sorted(decrypt_field(ks, "user-new", "email", c) for c in out) == sorted(f"v{i}" for i in range(16))
print("privacy-crypto-shredding-python: all checks passed")
