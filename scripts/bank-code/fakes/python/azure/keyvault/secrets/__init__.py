from azure.core.exceptions import ResourceNotFoundError


class KeyVaultSecret:
    def __init__(self, name, value):
        self.name, self.value = name, value


class _Vault:
    def __init__(self):
        self.secrets = {}
        self.reads = 0


FAKE_VAULT = _Vault()


class SecretClient:
    def __init__(self, vault_url, credential, **kwargs):
        if not vault_url.startswith("https://"):
            raise ValueError("vault_url must be https")
        self.vault_url, self.credential = vault_url, credential

    def get_secret(self, name, version=None, **kwargs):
        self.credential.get_token("https://vault.azure.net/.default")
        FAKE_VAULT.reads += 1
        if name not in FAKE_VAULT.secrets:
            raise ResourceNotFoundError(f"secret {name} not found")
        return KeyVaultSecret(name, FAKE_VAULT.secrets[name])
