"""Signing out with a reason: every way a browser's session ends on site A sends ``session_ended``
exactly once, with the reason of that path, passed as an argument (never on the request)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import logout
from django.test import Client, RequestFactory

from identity.sessions.models import EndReason, UserSession
from identity.sessions.services import SID_KEY, session_store
from identity.sessions.signout import sign_out
from identity.signals import session_ended
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended() -> Iterator[list[tuple[str, str]]]:
    """Every ``session_ended`` sent during the test, as ``(sid, reason)``."""
    events: list[tuple[str, str]] = []

    def record(session: Any, reason: str, **kwargs: Any) -> None:
        events.append((session.sid, reason))

    session_ended.connect(record, weak=False)
    yield events
    session_ended.disconnect(record)


def signed_in(username: str = "alice", password: str = "alice-pass") -> tuple[Client, str]:
    client = Client()
    sign_in(client, username, password)
    return client, client.session[SID_KEY]


def test_logout(alice: Any, ended: list[tuple[str, str]]) -> None:
    client, sid = signed_in()
    assert client.post("/accounts/logout/").status_code == 200
    assert ended == [(sid, EndReason.LOGOUT)]


def test_sign_out_everywhere(alice: Any, ended: list[tuple[str, str]]) -> None:
    client, sid = signed_in()
    _, other = signed_in()
    assert client.post("/accounts/security/sign-out-everywhere/").status_code == 302
    assert sorted(ended) == sorted([(sid, EndReason.EVERYWHERE), (other, EndReason.EVERYWHERE)])


def test_another_user_signing_in_replaces_the_session(alice: Any, bob: Any, ended: list[tuple[str, str]]) -> None:
    client, sid = signed_in()
    sign_in(client, "bob", "bob-pass")
    assert ended == [(sid, EndReason.REPLACED)]
    assert UserSession.objects.get(user=bob).is_live


def test_the_same_user_signing_in_again_ends_nothing(alice: Any, ended: list[tuple[str, str]]) -> None:
    client, sid = signed_in()
    sign_in(client)
    assert ended == [] and client.session[SID_KEY] == sid


def _request_of(client: Client) -> Any:
    """A request carrying ``client``'s session and user, as a view receives it."""
    from django.contrib.auth import get_user

    request = RequestFactory().get("/")
    request.session = session_store(client.cookies[settings.SESSION_COOKIE_NAME].value)
    request.user = get_user(request)
    return request


def test_sign_out_takes_its_reason_as_an_argument(alice: Any, ended: list[tuple[str, str]]) -> None:
    client, sid = signed_in()
    request = _request_of(client)
    assert sign_out(request, EndReason.ADMIN) is True
    assert ended == [(sid, EndReason.ADMIN)]  # once: Django's logout found nothing left to end
    assert not request.user.is_authenticated and client.get("/api/whoami/").status_code == 401
    assert UserSession.objects.get(sid=sid).end_reason == EndReason.ADMIN


def test_a_plain_logout_is_a_sign_out(alice: Any, ended: list[tuple[str, str]]) -> None:
    """``logout()`` called by code that knows nothing of identity: the receiver's default."""
    client, sid = signed_in()
    logout(_request_of(client))
    assert ended == [(sid, EndReason.LOGOUT)]


def test_signing_out_a_browser_with_no_indexed_session_still_signs_it_out(
    alice: Any, ended: list[tuple[str, str]]
) -> None:
    client, sid = signed_in()
    UserSession.objects.filter(sid=sid).update(ended_at=UserSession.objects.get(sid=sid).created_at)
    request = _request_of(client)
    assert sign_out(request, EndReason.EVERYWHERE) is False
    assert ended == [] and not request.user.is_authenticated
