"""Opaque tokens as an authenticator of the core: ``Authorization: Token <t>`` or
``Bearer <t>`` (RFC 6750 §2.1), always answered with a ``Bearer`` challenge."""

from __future__ import annotations

from django.http import HttpRequest

from identity.conf import identity_settings
from identity.core.authenticators import AuthResult, BearerAuthenticator
from identity.core.reach import PERSONAL_TOKEN_REACH
from identity.exceptions import InvalidToken
from identity.tokens import services


class TokenAuthenticator(BearerAuthenticator):
    method = "token"
    schemes = ("token", "bearer")

    def enabled(self) -> bool:
        return identity_settings.TOKENS_ENABLED

    def authenticate_header(self, request: HttpRequest, scheme: str, credentials: str) -> AuthResult | None:
        if not services.looks_like_token(credentials):
            if scheme == "bearer":
                return None  # a JWT or another mechanism's bearer token
            raise InvalidToken(services.INVALID, scheme="bearer")
        resolved = services.resolve(credentials, request)
        return AuthResult(user=resolved.user, method=self.method, reach=PERSONAL_TOKEN_REACH, auth=resolved)
