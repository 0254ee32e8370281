"""First-party token pairs: an access JWT and an opaque refresh token, rotated on every use.

A refresh token is ``idr_`` + 32 random bytes, stored as its SHA-256 digest. Refreshing spends
it with one conditional ``UPDATE … WHERE used_at IS NULL``: of two concurrent refreshes with the
same token exactly one changes the row, and the other finds a spent token. Presenting a spent
token revokes the whole family, because the legitimate client and a thief cannot be told apart
(RFC 9700 §4.14.2); a client must therefore never refresh the same token twice in parallel.
Revoking a family denylists the live access tokens issued in it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from identity.conf import identity_settings
from identity.core.crypto import sha256_hex
from identity.core.net import client_ip
from identity.core.reach import FIRST_PARTY_CLIENT_ID
from identity.exceptions import InvalidGrant
from identity.jwt import denylist
from identity.jwt.models import DeniedKind, FamilyRevokeReason, RefreshFamily, RefreshToken
from identity.jwt.tokens import MAX_ACCESS_LIFETIME, issue_access_token
from identity.jwt.verify import default_audience

PREFIX = "idr_"
FIRST_PARTY_SCOPE = "api"
_SHAPE = re.compile(r"idr_[A-Za-z0-9_-]{43}\Z")
INVALID_GRANT = "The refresh token is not valid, or it was spent, revoked or has expired."


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int
    claims: dict[str, Any]
    family: RefreshFamily

    def as_json(self) -> dict[str, Any]:
        return {"access": self.access, "refresh": self.refresh, "token_type": "Bearer", "expires_in": self.expires_in}


def _refresh_expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=identity_settings.JWT_REFRESH_LIFETIME)


def issue_pair(user: Any, *, request: HttpRequest | None = None, sid: str | None = None) -> TokenPair:
    """Start a family for ``user`` (bound to the browser session ``sid`` if given)."""
    now = timezone.now()
    with transaction.atomic():
        family = RefreshFamily.objects.create(
            user=user,
            sid=sid or "",
            client_id=FIRST_PARTY_CLIENT_ID,
            audience=default_audience(),
            scope=FIRST_PARTY_SCOPE,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:400] if request else "",
            ip=client_ip(request) if request else None,
            created_at=now,
            expires_at=_refresh_expiry(now),
        )
        return _next_pair(family, user, now)


def _next_pair(family: RefreshFamily, user: Any, now: datetime) -> TokenPair:
    access, claims = issue_access_token(
        user,
        client_id=family.client_id,
        scope=family.scope,
        audience=family.audience,
        sid=family.sid or None,
        extra={"preferred_username": user.get_username()},
    )
    refresh = PREFIX + secrets.token_urlsafe(32)
    RefreshToken.objects.create(
        family=family,
        digest=sha256_hex(refresh),
        created_at=now,
        expires_at=family.expires_at,
        access_jti=claims["jti"],
        access_expires_at=datetime.fromtimestamp(claims["exp"], tz=UTC),
    )
    return TokenPair(access, refresh, claims["exp"] - claims["iat"], claims, family)


def refresh(token: str, *, request: HttpRequest | None = None) -> TokenPair:
    """Spend ``token`` and return the family's next pair, or raise ``invalid_grant``."""
    if not isinstance(token, str) or not _SHAPE.match(token):
        raise InvalidGrant(INVALID_GRANT)
    digest = sha256_hex(token)
    now = timezone.now()
    with transaction.atomic():
        spent = RefreshToken.objects.filter(digest=digest, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
        if spent:
            row = RefreshToken.objects.select_related("family", "family__user").get(digest=digest)
            family = row.family
            if family.revoked_at is None and family.user.is_active:
                family.last_refreshed_at = now
                family.expires_at = _refresh_expiry(now)
                fields = ["last_refreshed_at", "expires_at"]
                if request is not None:
                    family.ip = client_ip(request)
                    fields.append("ip")
                family.save(update_fields=fields)
                return _next_pair(family, family.user, now)
    if spent:
        # This call spent the token, but its family is revoked or its user inactive: no replay.
        raise InvalidGrant(INVALID_GRANT)
    spender = RefreshToken.objects.select_related("family").filter(digest=digest).first()
    # Spent by another call (earlier, or a concurrent one that won the row): a replay. Comparing
    # timestamps instead would miss a winner whose clock read came after the loser's.
    if spender is not None and spender.used_at is not None and spender.family.revoked_at is None:
        revoke_families(RefreshFamily.objects.filter(pk=spender.family_id), FamilyRevokeReason.REUSE)
    raise InvalidGrant(INVALID_GRANT)


def family_of_refresh_token(token: str) -> RefreshFamily | None:
    if not isinstance(token, str) or not _SHAPE.match(token):
        return None
    row = RefreshToken.objects.select_related("family").filter(digest=sha256_hex(token)).first()
    return row.family if row else None


def family_of_access_jti(jti: str) -> RefreshFamily | None:
    row = RefreshToken.objects.select_related("family").filter(access_jti=jti).first()
    return row.family if row else None


def revoke_families(families: QuerySet[RefreshFamily], reason: str) -> int:
    """Revoke live families and denylist the live access tokens issued in them."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(families.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        if not ids:
            return 0
        count = RefreshFamily.objects.filter(pk__in=ids, revoked_at__isnull=True).update(
            revoked_at=now, revoke_reason=reason
        )
        live = RefreshToken.objects.filter(family_id__in=ids, access_expires_at__gt=now)
        denylist.deny(
            ((DeniedKind.JTI, jti, exp) for jti, exp in live.values_list("access_jti", "access_expires_at")),
            reason=reason,
        )
    return count


def end_session_tokens(sid: str, reason: str = FamilyRevokeReason.SESSION_ENDED) -> None:
    """A session ended: its families end, and every access token carrying its ``sid`` (ours or
    the OAuth provider's) is denied until the longest of them has expired."""
    revoke_families(RefreshFamily.objects.filter(sid=sid), reason)
    until = timezone.now() + timedelta(seconds=MAX_ACCESS_LIFETIME + identity_settings.JWT_LEEWAY)
    denylist.deny_sid(sid, until, reason=reason)
