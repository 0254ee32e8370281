"""``session_ended`` fires exactly once per session, however many endings race."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from identity.sessions import services
from identity.sessions.models import EndReason, UserSession
from identity.signals import session_ended
from tests.conftest import sign_in


class Count:
    def __init__(self) -> None:
        self.sids: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, session: Any, **kw: Any) -> None:
        with self.lock:
            self.sids.append(session.sid)


@pytest.mark.django_db(transaction=True)
def test_every_way_of_ending_after_the_first_is_a_no_op(alice: Any) -> None:
    client = Client()
    sign_in(client)
    row = UserSession.objects.get()
    count = Count()
    session_ended.connect(count, weak=False)
    try:
        assert services.end_session(row, EndReason.ADMIN) is True
        assert services.end_session(row, EndReason.EXPIRED) is False
        assert services.end_user_sessions(alice, EndReason.EVERYWHERE) == 0
        client.post("/accounts/logout/")
        alice.set_password("changed")
        alice.save()
    finally:
        session_ended.disconnect(count)
    assert count.sids == [row.sid]
    assert UserSession.objects.get().end_reason == EndReason.ADMIN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_endings_signal_once(alice: Any) -> None:
    """Eight threads, each with its own PostgreSQL connection, end the same sessions at once."""
    clients = [Client() for _ in range(3)]
    for client in clients:
        sign_in(client)
    rows = list(UserSession.objects.select_related("user"))
    count = Count()
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(reason: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.end_sessions(rows, reason)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    session_ended.connect(count, weak=False)
    try:
        threads = [threading.Thread(target=worker, args=(r,)) for r in [EndReason.ADMIN, EndReason.EXPIRED] * 4]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        session_ended.disconnect(count)
    assert not errors
    assert sorted(count.sids) == sorted(r.sid for r in rows)
    assert not UserSession.objects.live().exists()
    assert all(c.get("/api/whoami/").status_code == 401 for c in clients)
