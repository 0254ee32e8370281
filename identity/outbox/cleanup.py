from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from identity.conf import identity_settings
from identity.core.cleanup import Report, delete_in_batches
from identity.outbox.models import OutboxMessage, OutboxStatus


def clear_outbox(report: Report) -> dict[str, int]:
    cutoff = timezone.now() - timedelta(days=identity_settings.OUTBOX_RETENTION_DAYS)
    old = OutboxMessage.objects.exclude(status=OutboxStatus.PENDING).filter(created_at__lt=cutoff)
    return {"outbox messages pruned": delete_in_batches(old, report, "outbox messages")}
