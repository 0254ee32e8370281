"""Finding an issued token from its value, for revocation (RFC 7009) and introspection (RFC
7662). Opaque values are looked up by SHA-256; a JWT is first verified (signature, type,
expiry), then found by its ``jti``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from identity.core.crypto import sha256_hex
from identity.core.jose.issuer import issuer
from identity.oauth2 import claims as user_claims
from identity.oauth2.issuing import client_subject
from identity.oauth2.models import Client, Grant, OAuthAccessToken, OAuthRefreshToken

MAX_TOKEN_LENGTH = 8192


@dataclass(frozen=True)
class FoundToken:
    kind: str  # "access_token" or "refresh_token"
    row: OAuthAccessToken | OAuthRefreshToken
    grant: Grant
    audience: list[str]

    @property
    def scope(self) -> str:
        """An access token's own scope (a refresh may narrow it, RFC 6749 §6); a refresh token's is its grant's."""
        return self.row.scope if isinstance(self.row, OAuthAccessToken) else self.grant.scope

    @property
    def active(self) -> bool:
        now = timezone.now()
        grant = self.grant
        if not grant.is_live or not grant.client.is_active or (grant.user is not None and not grant.user.is_active):
            return False
        if isinstance(self.row, OAuthAccessToken):
            return self.row.revoked_at is None and self.row.expires_at > now
        return self.row.used_at is None and self.row.expires_at > now


def _audiences(client: Client | None) -> list[str]:
    """Audiences an OAuth access token of interest may carry: the site's API audience and, for
    a calling client, its own audience and client ID (a resource server registered under the
    audience it serves); for the server's own resource (userinfo), any client's audience."""
    from identity.jwt.verify import default_audience

    values = [default_audience()]
    if client is not None:
        values += [client.audience, client.client_id]
    else:
        values += list(Client.objects.exclude(audience="").values_list("audience", flat=True).distinct())
    return [v for v in dict.fromkeys(values) if v]


def _jwt(token: str, client: Client | None) -> FoundToken | None:
    from identity.exceptions import InvalidToken
    from identity.jwt.verify import verify

    try:
        claims = verify(token, typ="at+jwt", audience=_audiences(client))
    except InvalidToken:
        return None
    row = OAuthAccessToken.objects.select_related("grant__client", "grant__user").filter(key=claims.get("jti")).first()
    if row is None:
        return None  # a first-party JWT from /api/auth/jwt/, not an OAuth token
    aud = claims["aud"]  # a claim verify() requires
    return FoundToken("access_token", row, row.grant, aud if isinstance(aud, list) else [aud])


def find_token(token: str, hint: str | None = None, client: Client | None = None) -> FoundToken | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    if token.count(".") == 2:
        return _jwt(token, client)
    digest = sha256_hex(token)
    kinds = ["refresh_token", "access_token"] if hint == "refresh_token" else ["access_token", "refresh_token"]
    for kind in kinds:
        found = _access(digest) if kind == "access_token" else _refresh(digest)
        if found is not None:
            return found
    return None


def _access(digest: str) -> FoundToken | None:
    from identity.jwt.verify import default_audience

    row = OAuthAccessToken.objects.select_related("grant__client", "grant__user").filter(key=digest).first()
    if row is None:
        return None
    return FoundToken("access_token", row, row.grant, [row.grant.client.audience or default_audience()])


def _refresh(digest: str) -> FoundToken | None:
    row = OAuthRefreshToken.objects.select_related("grant__client", "grant__user").filter(digest=digest).first()
    return FoundToken("refresh_token", row, row.grant, []) if row is not None else None


def may_see(found: FoundToken, caller: Client) -> bool:
    """A client sees its own tokens, and access tokens whose audience it is (a resource
    server registered under that client ID). Never anyone else's (RFC 7662 §4)."""
    if found.grant.client_id == caller.pk:
        return True
    return found.kind == "access_token" and caller.client_id in found.audience


def introspect(token: str, hint: str | None, caller: Client) -> dict[str, Any] | None:
    found = find_token(token, hint, caller)
    if found is None or not may_see(found, caller) or not found.active:
        return None
    grant = found.grant
    body: dict[str, Any] = {
        "scope": found.scope,
        "client_id": grant.client.client_id,
        "token_type": "Bearer" if found.kind == "access_token" else "refresh_token",
        "exp": int(found.row.expires_at.timestamp()),
        "iat": int(found.row.created_at.timestamp()),
        "iss": issuer(),
        "sub": user_claims.subject(grant.user) if grant.user is not None else client_subject(grant.client),
    }
    if grant.user is not None:
        body["username"] = grant.user.get_username()
    if found.audience:
        body["aud"] = found.audience[0] if len(found.audience) == 1 else found.audience
    if grant.session_sid:
        body["sid"] = grant.session_sid
    return body
