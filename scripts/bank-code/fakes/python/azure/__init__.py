"""Minimal stand-ins for the Azure SDK modules the bank's answers import (azure-identity,
azure-keyvault-secrets, azure-core). Real credentials need Entra ID; these keep the API surface:
DefaultAzureCredential / ManagedIdentityCredential .get_token(*scopes) -> AccessToken(token,
expires_on) with caching until close to expiry, SecretClient(vault_url, credential).get_secret(name)
-> KeyVaultSecret with .value and .name. Checks steer them through azure.identity.FAKE_IDP and
azure.keyvault.secrets.FAKE_VAULT."""
