"""identity_clearexpired deletes CAS tickets nobody can use; the ones single logout still needs
stay until their session ends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from identity.cas.models import ProxyGrantingTicket, ServiceTicket
from identity.client.cas.models import CasClientLogin
from identity.sessions.models import UserSession
from tests.cas.conftest import APP, get_ticket

pytestmark = pytest.mark.django_db


def test_expired_unused_tickets_go_validated_tickets_of_live_sessions_stay(app_service: Any, browser: Client) -> None:
    get_ticket(browser)  # never validated
    validated, failed = get_ticket(browser), get_ticket(browser)
    Client().get("/cas/serviceValidate?" + urlencode({"ticket": validated, "service": APP}))
    Client().get("/cas/serviceValidate?" + urlencode({"ticket": failed, "service": APP + "x"}))
    fresh = get_ticket(browser)
    ServiceTicket.objects.exclude(ticket=fresh).update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("identity_clearexpired", "--quiet")
    assert set(ServiceTicket.objects.values_list("ticket", flat=True)) == {validated, fresh}


def test_leftovers_of_ended_sessions_go(app_service: Any, alice: Any) -> None:
    """A safety net: the single-logout receiver normally deletes them as the session ends."""
    now = timezone.now()
    ended = UserSession.objects.create(user=alice, sealed_session_key="x", ended_at=now, end_reason="logout")
    ServiceTicket.objects.create(
        ticket="ST-" + "a" * 29,
        kind="ST",
        service=APP,
        user=alice,
        session_sid=ended.sid,
        auth_time=now,
        expires_at=now - timedelta(seconds=1),
        succeeded=True,
    )
    ProxyGrantingTicket.objects.create(
        digest="d" * 64, user=alice, session_sid=ended.sid, service=APP, callback_url=APP, auth_time=now
    )
    CasClientLogin.objects.create(ticket_digest="e" * 64, session_sid=ended.sid)
    call_command("identity_clearexpired", "--quiet")
    assert not ServiceTicket.objects.exists()
    assert not ProxyGrantingTicket.objects.exists()
    assert not CasClientLogin.objects.exists()
