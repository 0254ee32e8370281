"""Retire signing keys whose last token has expired, copy the denylist to Redis (so entries a
Redis outage kept out reach it), and delete expired denylist entries and refresh families."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from identity.conf import identity_settings
from identity.core.cleanup import Report, delete_in_batches
from identity.jwt import keys
from identity.jwt.models import DeniedToken, RefreshFamily, RefreshToken
from identity.jwt.replica import issuer_replica


def clear_jwt(report: Report) -> dict[str, int]:
    if not identity_settings.JWT_ENABLED:
        return {}
    now = timezone.now()
    retired = keys.retire_due(now)
    for row in retired:
        report(f"jwt: retired signing key {row.kid} ({row.alg})")
    copied = issuer_replica().resync()
    denied = delete_in_batches(
        DeniedToken.objects.filter(expires_at__lte=now).order_by("pk"), report, "denylist entries"
    )
    # Spent tokens stay while they could be replayed (reuse detection revokes their family);
    # an expired one is refused anyway, and its access token expired long before.
    spent = delete_in_batches(
        RefreshToken.objects.filter(expires_at__lte=now).order_by("pk"), report, "expired refresh tokens"
    )
    cutoff = now - timedelta(days=identity_settings.TOKEN_HISTORY_DAYS)
    families = delete_in_batches(
        RefreshFamily.objects.filter(Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)).order_by("pk"),
        report,
        "ended JWT sign-ins",
    )
    return {
        "signing keys retired": len(retired),
        "denylist entries copied to Redis": copied,
        "denylist entries deleted": denied,
        "refresh tokens deleted": spent,
        "JWT sign-ins deleted": families,
    }
