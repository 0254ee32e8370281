"""Revoking grants (token families) and single tokens.

A grant is revoked by one conditional UPDATE, which ends its refresh tokens and opaque access
tokens at once (every lookup joins the grant). Its JWT access tokens cannot be recalled, so
their ``jti`` goes to the denylist (:mod:`identity.jwt.denylist`), which every verifier of
the provider's tokens consults (RFC 7009 §2, RFC 9700 §4.14.2).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from identity.oauth2.models import Grant, OAuthAccessToken, TokenFormat


class Reason:
    CODE_REPLAYED = "code_replayed"
    REFRESH_REUSED = "refresh_token_reused"
    REVOKED_BY_CLIENT = "revoked_by_client"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    SESSION_ENDED = "session_ended"
    CREDENTIALS_CHANGED = "credentials_changed"
    ADMIN = "admin"


def revoke_grants(grants: QuerySet[Grant] | Iterable[Grant], reason: str) -> int:
    """Revoke every live grant in ``grants`` and deny their live JWT access tokens."""
    ids = (
        list(grants.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        if isinstance(grants, QuerySet)
        else [g.pk for g in grants if g.revoked_at is None]
    )
    if not ids:
        return 0
    now = timezone.now()
    count = Grant.objects.filter(pk__in=ids, revoked_at__isnull=True).update(revoked_at=now, revoke_reason=reason)
    revoke_access_tokens(OAuthAccessToken.objects.filter(grant_id__in=ids))
    return count


def revoke_access_tokens(tokens: QuerySet[OAuthAccessToken]) -> int:
    """Mark live access tokens revoked; JWTs also go to the denylist until they expire."""
    now = timezone.now()
    live = tokens.filter(revoked_at__isnull=True, expires_at__gt=now)
    rows = list(live.values_list("pk", "key", "format", "expires_at"))
    jwts = [(key, expires) for _, key, fmt, expires in rows if fmt == TokenFormat.JWT]
    if jwts:
        from identity.jwt.denylist import deny_jti

        for jti, expires in jwts:
            deny_jti(jti, expires)
    return OAuthAccessToken.objects.filter(pk__in=[row[0] for row in rows]).update(revoked_at=now)


def revoke_user_client(user: Any, client_id: int, reason: str) -> int:
    return revoke_grants(Grant.objects.filter(user=user, client_id=client_id), reason)
