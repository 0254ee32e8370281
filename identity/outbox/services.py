"""Writing and delivering outbox messages."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from identity.conf import identity_settings
from identity.core import http
from identity.outbox.models import OutboxMessage, OutboxStatus

log = logging.getLogger("identity.outbox")


def enqueue(
    kind: str,
    url: str,
    body: str,
    *,
    content_type: str = "application/x-www-form-urlencoded",
    session_sid: str = "",
) -> OutboxMessage:
    """Write a message in the current transaction; it is tried once right after commit."""
    message = OutboxMessage.objects.create(
        kind=kind, url=url, body=body, content_type=content_type, session_sid=session_sid
    )
    if identity_settings.OUTBOX_DELIVER_ON_COMMIT:
        _pending_after_commit(message.pk)
    return message


def _pending_after_commit(pk: int) -> None:
    """Try the message once the transaction commits, off the request thread, so a sign-out
    never waits on another server (the worker retries whatever fails)."""

    def start() -> None:
        threading.Thread(target=_deliver_in_thread, args=([pk],), name="identity-outbox", daemon=True).start()

    transaction.on_commit(start)


def _deliver_in_thread(pks: list[int]) -> None:
    try:
        deliver_many(OutboxMessage.objects.filter(pk__in=pks))
    except Exception:  # the worker retries; a thread must never die loudly
        log.exception("Delivering outbox messages after commit failed")
    finally:
        connection.close()


def backoff(attempts: int) -> timedelta:
    s = identity_settings
    return timedelta(seconds=min(s.OUTBOX_BACKOFF_MAX, s.OUTBOX_BACKOFF_BASE * 2 ** max(0, attempts - 1)))


def _claim(message: OutboxMessage) -> bool:
    """Take the message for one attempt; two deliverers never POST it at the same time."""
    now = timezone.now()
    lease = now + timedelta(seconds=identity_settings.OUTBOX_TIMEOUT * 2 + 5)
    return bool(
        OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=lease)
    )


def deliver(message: OutboxMessage) -> bool:
    """One attempt. True if the receiver answered 2xx."""
    if not _claim(message):
        return False
    error, status = "", None
    try:
        result = http.post(
            message.url, message.body.encode(), message.content_type, timeout=identity_settings.OUTBOX_TIMEOUT
        )
        status = result.status
        if not result.ok:
            error = f"HTTP {result.status}: {result.body[:200].decode(errors='replace')}"
    except http.HttpError as exc:
        error = str(exc) or exc.__class__.__name__
    now = timezone.now()
    attempts = message.attempts + 1
    fields: dict[str, object] = {"attempts": attempts, "locked_until": None, "last_status": status}
    if not error:
        fields.update(status=OutboxStatus.DELIVERED, delivered_at=now, last_error="")
    elif attempts >= identity_settings.OUTBOX_MAX_ATTEMPTS:
        fields.update(status=OutboxStatus.ABANDONED, last_error=error)
        log.warning("Outbox message %s to %s abandoned after %d attempts: %s", message.pk, message.url, attempts, error)
    else:
        fields.update(next_attempt_at=now + backoff(attempts), last_error=error)
    OutboxMessage.objects.filter(pk=message.pk).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)
    return not error


def deliver_many(messages: Iterable[OutboxMessage]) -> tuple[int, int]:
    delivered = failed = 0
    for message in messages:
        if message.status != OutboxStatus.PENDING:
            continue
        if deliver(message):
            delivered += 1
        else:
            failed += 1
    return delivered, failed


def due(limit: int = 100) -> list[OutboxMessage]:
    now = timezone.now()
    return list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at")[:limit]
    )


def deliver_due(limit: int = 100) -> tuple[int, int]:
    close_old_connections()
    return deliver_many(due(limit))
