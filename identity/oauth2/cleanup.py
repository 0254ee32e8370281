"""Deleting what can no longer be used: expired codes and device authorizations, and token
families that ended (revoked or expired) longer ago than the longest access token could live."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from identity.conf import identity_settings
from identity.core.cleanup import Report, delete_in_batches
from identity.oauth2.models import AuthorizationCode, DeviceAuthorization, Grant


def clear_oauth2(report: Report) -> dict[str, int]:
    now = timezone.now()
    # Used codes are kept a day after expiry so a late replay is still recognised and revokes.
    codes = AuthorizationCode.objects.filter(expires_at__lt=now - timedelta(days=1))
    devices = DeviceAuthorization.objects.filter(expires_at__lt=now - timedelta(days=1))
    margin = timedelta(seconds=identity_settings.OAUTH2_ACCESS_TOKEN_LIFETIME + 86400)
    ended = Grant.objects.filter(Q(revoked_at__lt=now - margin) | Q(expires_at__lt=now - margin))
    return {
        "authorization codes deleted": delete_in_batches(codes, report, "authorization codes"),
        "device authorizations deleted": delete_in_batches(devices, report, "device authorizations"),
        "ended token families deleted": delete_in_batches(ended, report, "token families"),
    }
