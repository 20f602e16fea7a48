# bank-code: needs python:argon2
# Check for auth-password-hashing-code: argon2id hashes with salt and parameters, correct and wrong
# passwords, corrupt hashes, rehash on login after raising costs, a failing save, length limit.
import logging

from argon2 import PasswordHasher

import answer
from answer import MAX_PASSWORD_BYTES, hash_password, verify_and_maybe_upgrade


logging.disable(logging.CRITICAL)  # the answer logs expected failures


class User:
    def __init__(self, uid, password_hash):
        self.id, self.password_hash = uid, password_hash


saved = []


def save(uid, h):
    saved.append((uid, h))


h = hash_password("correct horse battery staple ✓")
assert h.startswith("$argon2id$v=19$m=65536,t=3,p=1$"), h
assert hash_password("same") != hash_password("same"), "each hash needs its own salt"

u = User("u1", h)
assert verify_and_maybe_upgrade(u, "correct horse battery staple ✓", save) is True
assert saved == [], "current parameters: no rehash"
assert verify_and_maybe_upgrade(u, "correct horse battery staple", save) is False
assert verify_and_maybe_upgrade(u, "", save) is False

for corrupt in ("", "plaintext", "$argon2id$v=19$m=65536,t=3,p=1$bad", "$2b$12$" + "a" * 53,
                h[:-4] + "AAAA"):
    assert verify_and_maybe_upgrade(User("u2", corrupt), "x", save) is False, corrupt

# Raising the cost: an old, cheaper hash verifies, is upgraded once, and the new hash works.
old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("pw")
u = User("u3", old)
assert verify_and_maybe_upgrade(u, "pw", save) is True
assert len(saved) == 1 and saved[0][0] == "u3"
new_hash = saved[0][1]
assert new_hash.startswith("$argon2id$v=19$m=65536,t=3,p=1$")
assert verify_and_maybe_upgrade(User("u3", new_hash), "pw", save) is True and len(saved) == 1
assert verify_and_maybe_upgrade(User("u3", old), "wrong", save) is False and len(saved) == 1


# The upgrade write fails (database down): the user still logs in.
def broken_save(uid, h):
    raise ConnectionError("db down")


assert verify_and_maybe_upgrade(User("u4", old), "pw", broken_save) is True

# Length limit: huge inputs are refused before any hashing work.
calls = []
real_ph = answer.ph


class Spy:
    def __getattr__(self, name):
        calls.append(name)
        return getattr(real_ph, name)


answer.ph = Spy()
try:
    assert verify_and_maybe_upgrade(User("u5", h), "x" * (MAX_PASSWORD_BYTES + 1), save) is False
    assert calls == [], f"oversized password reached the hasher: {calls}"
finally:
    answer.ph = real_ph
try:
    hash_password("é" * (MAX_PASSWORD_BYTES // 2 + 1))  # counted in bytes, not characters
except ValueError:
    pass
else:
    raise AssertionError("too-long password accepted")
assert hash_password("x" * MAX_PASSWORD_BYTES)
print("auth-password-hashing-code: ok")
