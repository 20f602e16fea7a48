# bank-code: needs postgresql python:psycopg
# Check for azure-managed-identity-python-keyvault-postgres with fake azure-identity/Key Vault
# modules and a real PostgreSQL: the token is the password of each new connection, tokens are
# reused until close to expiry, the Key Vault secret is cached and re-read, errors propagate.
import os
import time

os.environ["KEY_VAULT_URL"] = "https://demo.vault.azure.net"

import psycopg  # noqa: E402
from azure.core.exceptions import ClientAuthenticationError  # noqa: E402
from azure.identity import FAKE_IDP  # noqa: E402
from azure.keyvault.secrets import FAKE_VAULT  # noqa: E402

import answer  # noqa: E402

FAKE_VAULT.secrets["payments-api-key"] = "key-v1"
now = [time.time()]
FAKE_IDP.clock = lambda: now[0]
mono = [1000.0]
answer.time.monotonic = lambda: mono[0]

# Key Vault: cached, re-read after max_age, so rotation is picked up.
assert answer.get_api_key() == "key-v1" and FAKE_VAULT.reads == 1
for _ in range(50):
    assert answer.get_api_key() == "key-v1"
assert FAKE_VAULT.reads == 1, "secret must be cached, not read per call"
FAKE_VAULT.secrets["payments-api-key"] = "key-v2"
mono[0] += 301
assert answer.get_api_key() == "key-v2" and FAKE_VAULT.reads == 2

# PostgreSQL: every new connection asks the credential for the ossrdbms token and uses it as password.
seen = []
real_connect = psycopg.connect


def spy(**kw):
    seen.append(kw)
    return real_connect(**kw)  # trust auth here; Azure would check the token


answer.psycopg.connect = spy
try:
    with answer.connect() as c:
        assert c.execute("SELECT 1").fetchone() == (1,)
    pg_tokens = [t for s, t, _ in FAKE_IDP.issued if s == answer.PG_SCOPE]
    assert len(pg_tokens) == 1 and seen[0]["password"] == pg_tokens[0].token
    assert seen[0]["sslmode"] == "require" and seen[0]["user"] == os.environ["PGUSER"]
    assert "ossrdbms-aad.database.windows.net/.default" in answer.PG_SCOPE

    # Token reused while valid, refreshed when close to expiry; an open connection keeps working.
    long_lived = answer.connect()
    for _ in range(3):
        answer.connect().close()
    assert len([1 for s, _, _ in FAKE_IDP.issued if s == answer.PG_SCOPE]) == 1
    now[0] += 3600 - 200  # within the refresh margin
    answer.connect().close()
    pg_tokens = [t for s, t, _ in FAKE_IDP.issued if s == answer.PG_SCOPE]
    assert len(pg_tokens) == 2 and seen[-1]["password"] == pg_tokens[1].token
    now[0] += 7200  # the first token is long expired
    assert long_lived.execute("SELECT 2").fetchone() == (2,), "token only matters at connect"
    long_lived.close()

    # Identity failures surface to the caller (no connection attempt with a bad password).
    FAKE_IDP.fail = "managed identity not assigned"
    now[0] += 7200
    n = len(seen)
    try:
        answer.connect()
    except ClientAuthenticationError:
        pass
    else:
        raise AssertionError("expected ClientAuthenticationError")
    assert len(seen) == n
finally:
    answer.psycopg.connect = real_connect
print("azure-managed-identity-python-keyvault-postgres: ok")
