"""Opaque OAuth access tokens on the identity provider's own APIs (``Authorization: Bearer <token>``).

JWT access tokens (the default format) are verified offline by the JWT authenticator; this one
only claims values that are not JWTs, looks them up by SHA-256 (one indexed query joining the
grant, so revoking the grant ends the token at once) and leaves anything it does not know to
the next authenticator of the Bearer scheme.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from identity.conf import identity_settings
from identity.core.authenticators import AuthResult, BearerAuthenticator
from identity.core.crypto import sha256_hex
from identity.core.reach import CLIENT, USER, Reach
from identity.core.users import ClientPrincipal
from identity.jwt.verify import default_audience
from identity.oauth2.models import OAuthAccessToken, TokenFormat, is_reserved_client_id


class OAuth2TokenAuthenticator(BearerAuthenticator):
    method = "oauth2"
    schemes = ("bearer",)

    def enabled(self) -> bool:
        return identity_settings.OAUTH2_PROVIDER

    def authenticate_header(self, request: HttpRequest, scheme: str, credentials: str) -> AuthResult | None:
        if credentials.count(".") == 2 or len(credentials) > 512:
            return None  # a JWT: not ours
        now = timezone.now()
        row = (
            OAuthAccessToken.objects.select_related("grant", "grant__user", "grant__client")
            .filter(
                key=sha256_hex(credentials),
                format=TokenFormat.OPAQUE,
                revoked_at__isnull=True,
                expires_at__gt=now,
                grant__revoked_at__isnull=True,
                grant__client__is_active=True,
            )
            .first()
        )
        if row is None:
            return None
        grant = row.grant
        client, user = grant.client, grant.user
        if user is not None and not user.is_active:
            return None
        if client.audience and client.audience != default_audience():
            return None  # issued for another API (RFC 8707 §2): as a JWT of that audience would be refused
        if is_reserved_client_id(client.client_id):
            return None  # a row holding the first-party id, made outside the form: never first party
        reach = Reach(
            self.method,
            client_id=client.client_id,
            scope=row.scope,
            audience=client.audience or None,
            acts_for=USER if user is not None else CLIENT,
        )
        principal = user if user is not None else ClientPrincipal(client.client_id)
        return AuthResult(user=principal, method=self.method, reach=reach, auth=row)
