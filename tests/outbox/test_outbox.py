"""The outbox delivers over real HTTP, retries with backoff, and never delivers twice at once."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from identity.outbox import services
from identity.outbox.models import OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db(transaction=True)

# The worker's tests attempt deliveries themselves, one at a time.
worker_only = override_settings(IDENTITY={"OUTBOX_DELIVER_ON_COMMIT": False})


def make_due() -> None:
    OutboxMessage.objects.update(next_attempt_at=timezone.now())


def closed_port_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    return f"http://127.0.0.1:{port}/slo"


def test_a_message_is_tried_right_after_commit_off_the_request_thread(receiver: Any) -> None:
    with transaction.atomic():
        message = services.enqueue("test.webhook", receiver.url + "/hook", "logoutRequest=abc")
        assert receiver.received == []  # nothing leaves before the transaction commits
    receiver.wait_for(1)
    assert receiver.received[0].form == {"logoutRequest": ["abc"]}
    assert receiver.received[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
    deadline = time.monotonic() + 5
    while OutboxMessage.objects.get(pk=message.pk).status != OutboxStatus.DELIVERED and time.monotonic() < deadline:
        time.sleep(0.02)
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.DELIVERED


def test_a_rolled_back_transaction_sends_nothing(receiver: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enqueue("test.webhook", receiver.url, "x=1")
        raise RuntimeError("the sign-out failed")
    time.sleep(0.3)
    assert receiver.received == [] and not OutboxMessage.objects.exists()


@worker_only
def test_the_worker_retries_a_failing_delivery_with_backoff(receiver: Any) -> None:
    receiver.script = [500, 503]
    message = services.enqueue("test.webhook", receiver.url + "/hook", "n=1")
    call_command("identity_worker", "--once", "--no-cleanup")
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_status) == (OutboxStatus.PENDING, 1, 500)
    assert "HTTP 500" in message.last_error
    wait = message.next_attempt_at - timezone.now()
    assert timedelta(seconds=5) < wait <= timedelta(seconds=10)  # base backoff: 10 s
    call_command("identity_worker", "--once", "--no-cleanup")
    assert len(receiver.received) == 1  # not due yet: no second attempt
    make_due()
    call_command("identity_worker", "--once", "--no-cleanup")
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at - timezone.now() > timedelta(seconds=15)  # doubled
    make_due()
    call_command("identity_worker", "--once", "--no-cleanup")
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.DELIVERED, 3, "")
    assert len(receiver.received) == 3


@override_settings(IDENTITY={"OUTBOX_MAX_ATTEMPTS": 3, "OUTBOX_TIMEOUT": 0.5, "OUTBOX_DELIVER_ON_COMMIT": False})
def test_an_unreachable_server_is_abandoned_after_the_last_attempt() -> None:
    message = services.enqueue("test.webhook", closed_port_url(), "n=1")
    for _ in range(3):
        make_due()
        call_command("identity_worker", "--once", "--no-cleanup")
    message.refresh_from_db()
    assert message.status == OutboxStatus.ABANDONED and message.attempts == 3
    assert message.last_error


@override_settings(IDENTITY={"OUTBOX_TIMEOUT": 0.3, "OUTBOX_DELIVER_ON_COMMIT": False})
def test_a_slow_server_costs_at_most_the_timeout(receiver: Any) -> None:
    receiver.delay = 2.0
    message = services.enqueue("test.webhook", receiver.url, "n=1")
    started = time.monotonic()
    assert services.deliver(message) is False
    assert time.monotonic() - started < 1.5
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and "timed out" in message.last_error.lower()


@worker_only
def test_redirects_are_not_followed(receiver: Any) -> None:
    receiver.default_status = 302
    receiver.headers = {"Location": "http://169.254.169.254/latest/meta-data/"}
    message = services.enqueue("test.webhook", receiver.url, "n=1")
    assert services.deliver(message) is False
    message.refresh_from_db()
    assert message.last_status == 302 and len(receiver.received) == 1


@pytest.mark.postgres  # a race: on in-memory SQLite the second writer meets "table is locked" at random
@worker_only
def test_two_deliverers_never_post_the_same_message_at_once(receiver: Any) -> None:
    receiver.delay = 0.5
    message = services.enqueue("test.webhook", receiver.url, "n=1")
    results: list[bool] = []

    def attempt() -> None:
        try:
            results.append(services.deliver(OutboxMessage.objects.get(pk=message.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert len(receiver.received) == 1


def test_the_worker_runs_the_cleanup(alice: Any) -> None:
    from django.test import Client

    from identity.sessions.models import EndReason, UserSession
    from tests.conftest import sign_in

    client = Client()
    sign_in(client)
    client.session.delete()  # gone from its store, as when it expires there
    UserSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("identity_worker", "--once")
    assert UserSession.objects.get().end_reason == EndReason.EXPIRED
