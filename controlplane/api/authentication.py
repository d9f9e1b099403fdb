"""``Authorization: Bearer kpat_…`` authentication for the REST API."""

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from controlplane.services import audit
from controlplane.services.tokens import authenticate_token


class PersonalAccessTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise exceptions.AuthenticationFailed("expected 'Authorization: Bearer <token>'")
        token = authenticate_token(secret.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("invalid, expired or revoked token")
        audit.act_as_token(token.user, token.name, token.display_prefix)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
