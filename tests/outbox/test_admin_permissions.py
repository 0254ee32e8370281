"""Retrying outbox deliveries needs change_outboxmessage, not just *view*: a retry re-sends
logout messages to other servers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from identity.outbox.models import OutboxMessage, OutboxStatus
from tests.admin_actions import AdminActionPermissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows() -> dict[str, OutboxMessage]:
    """An abandoned delivery, to retry."""
    abandoned = OutboxMessage.objects.create(
        kind="cas.slo",
        url="https://app.example.com/slo",
        status=OutboxStatus.ABANDONED,
        attempts=8,
        next_attempt_at=timezone.now() + timedelta(days=1),
    )
    return {"outboxmessage": abandoned}


class TestOutboxActions(AdminActionPermissions):
    CASES = [pytest.param("outboxmessage", "retry_now", "change_outboxmessage", id="outboxmessage-retry_now")]
    MODELS = (OutboxMessage,)

    def took_effect(self, action: str, rows: dict[str, Any]) -> bool:
        message = OutboxMessage.objects.get(pk=rows["outboxmessage"].pk)
        return message.status == OutboxStatus.PENDING and message.attempts == 0
