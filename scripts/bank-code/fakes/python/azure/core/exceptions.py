class AzureError(Exception):
    pass


class ClientAuthenticationError(AzureError):
    pass


class ResourceNotFoundError(AzureError):
    pass


class HttpResponseError(AzureError):
    pass
