"""Minting tokens: access tokens (RFC 9068 JWTs or opaque), refresh tokens, ID tokens (OIDC Core
§2) and logout tokens (OIDC Back-Channel Logout §2.4), all signed with the project's keys
(:mod:`identity.jwt`), and recording them under their grant."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from oauthlib.common import Request as OAuthRequest

from identity.conf import identity_settings
from identity.core.crypto import random_id, sha256_hex
from identity.core.jose import half_hash
from identity.core.jose.issuer import issuer
from identity.oauth2 import claims as user_claims
from identity.oauth2.context import MissingIssueContext, client_of, context_of
from identity.oauth2.models import Client, Grant, GrantType, OAuthAccessToken, OAuthRefreshToken, TokenFormat

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def opaque_token() -> str:
    """32 random bytes, base64url. Never with the prefix of identity's personal or refresh tokens
    (``idt_``, ``idr_``: about one value in 8 million), whose authenticators would claim it."""
    while True:
        value = secrets.token_urlsafe(32)
        if not value.startswith(("idt_", "idr_")):
            return value


@dataclass(frozen=True)
class IssuedAccess:
    key: str
    format: str
    expires_at: datetime
    scope: str


def issue_access(request: OAuthRequest) -> tuple[str, IssuedAccess]:
    client = client_of(request)
    user = request.user
    scope = " ".join(request.scopes or [])
    lifetime = client.access_lifetime
    if client.token_format == TokenFormat.JWT:
        from identity.jwt.tokens import issue_access_token

        if user is None:
            value, claims = _client_access_token(client, scope, lifetime)
        else:
            value, claims = issue_access_token(
                user,
                client_id=client.client_id,
                scope=scope,
                audience=client.audience or None,
                sid=context_of(request).sid or None,
                lifetime=lifetime,
            )
        expires = datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
        return value, IssuedAccess(str(claims["jti"]), TokenFormat.JWT, expires, scope)
    value = opaque_token()
    expires = timezone.now() + timedelta(seconds=lifetime)
    return value, IssuedAccess(sha256_hex(value), TokenFormat.OPAQUE, expires, scope)


def client_subject(client: Client) -> str:
    """``sub`` of a token no user is behind (client credentials, RFC 9068 §2.2): the client,
    prefixed so that it can never equal a user's ``sub`` (RFC 9068 §6)."""
    return f"client:{client.client_id}"


def _client_access_token(client: Client, scope: str, lifetime: int) -> tuple[str, dict[str, Any]]:
    from identity.jwt.tokens import sign
    from identity.jwt.verify import default_audience

    now = int(time.time())
    claims = {
        "iss": issuer(),
        "sub": client_subject(client),
        "aud": client.audience or default_audience(),
        "exp": now + lifetime,
        "iat": now,
        "jti": random_id(16),
        "client_id": client.client_id,
        "scope": scope,
    }
    return sign(claims, typ="at+jwt"), claims


class TokenHandler:
    """oauthlib's token-handler interface: builds the token response; :func:`save` records it."""

    def __init__(self, request_validator: Any) -> None:
        self.request_validator = request_validator

    def create_token(self, request: OAuthRequest, refresh_token: bool = False, **kwargs: Any) -> dict[str, Any]:
        client = client_of(request)
        context = context_of(request)
        value, issued = issue_access(request)
        context.access = issued
        token: dict[str, Any] = {
            "access_token": value,
            "token_type": "Bearer",
            "expires_in": client.access_lifetime,
            "scope": issued.scope,
        }
        context.refresh_digest = None
        if refresh_token and request.user is not None and client.allows_grant(GrantType.REFRESH_TOKEN):
            refresh = opaque_token()
            context.refresh_digest = sha256_hex(refresh)
            token["refresh_token"] = refresh
        return token

    def validate_request(self, request: OAuthRequest) -> bool:  # resource access is the core's job
        return False

    def estimate_type(self, request: OAuthRequest) -> int:
        return 9


def save(request: OAuthRequest) -> Grant:
    """Record what :class:`TokenHandler` issued: the grant (new, or the refreshed one), the
    access token and the new refresh token, in one transaction."""
    client = client_of(request)
    now = timezone.now()
    context = context_of(request)
    issued = context.access
    if issued is None:
        raise MissingIssueContext("save() before TokenHandler.create_token() issued an access token.")
    with transaction.atomic():
        grant = context.grant
        if grant is None:
            family_end = issued.expires_at if request.user is None else now + timedelta(seconds=client.refresh_lifetime)
            grant = Grant.objects.create(
                client=client,
                user=request.user,
                grant_type=cast(str, request.grant_type),  # the grant's own validate_token_request checked it
                session_sid=context.sid,
                scope=issued.scope,
                auth_time=context.auth_time,
                code=context.code,
                expires_at=family_end,
            )
            context.grant = grant
        OAuthAccessToken.objects.create(
            grant=grant, key=issued.key, format=issued.format, scope=issued.scope, expires_at=issued.expires_at
        )
        digest = context.refresh_digest
        if digest:
            idle = now + timedelta(seconds=identity_settings.OAUTH2_REFRESH_TOKEN_IDLE)
            expires = min(idle, grant.expires_at) if grant.expires_at else idle
            OAuthRefreshToken.objects.create(grant=grant, digest=digest, expires_at=expires)
    return grant


def id_token(partial: dict[str, Any], token: dict[str, Any], request: OAuthRequest) -> str:
    """Complete and sign the ID token oauthlib started (``aud``, ``iat``, ``nonce``)."""
    from identity.jwt.keys import signing_key
    from identity.jwt.tokens import sign

    client = client_of(request)
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer(),
        "sub": user_claims.subject(request.user),
        "aud": client.client_id,
        "iat": now,
        "exp": now + client.id_lifetime,
        "jti": random_id(16),
    }
    nonce = partial.get("nonce")
    if nonce:
        claims["nonce"] = nonce
    context = context_of(request)
    if context.auth_time is not None:
        claims["auth_time"] = int(context.auth_time.timestamp())
    if context.sid:
        claims["sid"] = context.sid
    if "access_token" in token:
        claims["at_hash"] = half_hash(token["access_token"], signing_key().alg)
    return sign(claims, typ="JWT")


def logout_token(client: Client, *, sub: str, sid: str) -> str:
    """OIDC Back-Channel Logout §2.4: ``events``, ``sid`` and ``sub``, never a ``nonce``."""
    from identity.jwt.tokens import sign

    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer(),
        "aud": client.client_id,
        "iat": now,
        "exp": now + identity_settings.OAUTH2_LOGOUT_TOKEN_LIFETIME,
        "jti": random_id(16),
        "sub": sub,
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
    if sid:
        claims["sid"] = sid
    return sign(claims, typ="logout+jwt")
