"""Retrying outbox deliveries needs change_outboxmessage, not just *view*: a retry re-sends
logout messages to other servers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from identity.outbox.models import OutboxMessage, OutboxStatus
from tests.admin_actions import assert_refused, every_identity_permission_but, run_offered, staff_client, table_state

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/identity/outboxmessage/"


@pytest.fixture
def abandoned() -> OutboxMessage:
    return OutboxMessage.objects.create(
        kind="cas.slo",
        url="https://app.example.com/slo",
        status=OutboxStatus.ABANDONED,
        attempts=8,
        next_attempt_at=timezone.now() + timedelta(days=1),
    )


def _state() -> list[tuple[Any, ...]]:
    return table_state(OutboxMessage)


def test_view_only_staff_cannot_retry(abandoned: OutboxMessage) -> None:
    browser = staff_client("viewer", "identity.view_outboxmessage")
    assert_refused(browser, CHANGELIST, "retry_now", abandoned.pk, _state)


def test_every_other_permission_is_not_enough(abandoned: OutboxMessage) -> None:
    browser = staff_client("almost", *every_identity_permission_but("change_outboxmessage"))
    assert_refused(browser, CHANGELIST, "retry_now", abandoned.pk, _state)


def test_staff_with_the_permission_retries(abandoned: OutboxMessage) -> None:
    browser = staff_client("operator", "identity.view_outboxmessage", "identity.change_outboxmessage")
    run_offered(browser, CHANGELIST, "retry_now", abandoned.pk)
    abandoned.refresh_from_db()
    assert abandoned.status == OutboxStatus.PENDING and abandoned.attempts == 0
