import time
from typing import NamedTuple

from azure.core.exceptions import ClientAuthenticationError


class AccessToken(NamedTuple):
    token: str
    expires_on: int  # Unix seconds


class _IdP:
    """The fake identity platform: issues tokens, counts requests, can be made to fail."""

    def __init__(self):
        self.issued = []
        self.lifetime_s = 3600
        self.fail = None
        self.clock = time.time

    def issue(self, scope, kwargs):
        if self.fail:
            raise ClientAuthenticationError(self.fail)
        tok = AccessToken(f"tok-{len(self.issued) + 1}-{scope}", int(self.clock()) + self.lifetime_s)
        self.issued.append((scope, tok, dict(kwargs)))
        return tok


FAKE_IDP = _IdP()


class _Credential:
    REFRESH_MARGIN_S = 300  # like azure-identity: refresh a few minutes before expiry

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self._cache = {}

    def get_token(self, *scopes, **kwargs):
        if not scopes:
            raise ValueError("get_token requires at least one scope")
        key = " ".join(scopes)
        tok = self._cache.get(key)
        if tok is None or tok.expires_on - FAKE_IDP.clock() < self.REFRESH_MARGIN_S:
            tok = FAKE_IDP.issue(key, self.kwargs)
            self._cache[key] = tok
        return tok

    def close(self):
        pass


class DefaultAzureCredential(_Credential):
    pass


class ManagedIdentityCredential(_Credential):
    pass
