"""Delete tokens that were revoked or expired more than TOKEN_HISTORY_DAYS ago."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from identity.conf import identity_settings
from identity.core.cleanup import Report, delete_in_batches
from identity.tokens.models import APIToken


def clear_tokens(report: Report) -> dict[str, int]:
    cutoff = timezone.now() - timedelta(days=identity_settings.TOKEN_HISTORY_DAYS)
    old = APIToken.objects.filter(Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)).order_by("pk")
    return {"API tokens deleted": delete_in_batches(old, report, "revoked or expired API tokens")}
