from ninja.security import HttpBearer

from dajuan.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """Authorization: Bearer <token>. The token acts as its user; access decides what it may do."""

    openapi_description = "An API token created on the account's security page (shown once)."

    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user
