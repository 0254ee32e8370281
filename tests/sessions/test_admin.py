from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from identity.sessions.models import EndReason, UserSession
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(user_factory: Any) -> Client:
    user_factory("root", "root-pass", is_staff=True, is_superuser=True)
    client = Client()
    sign_in(client, "root", "root-pass")
    return client


def test_admin_lists_sessions_and_ends_them(admin_client: Client, alice: Any) -> None:
    victim = Client()
    sign_in(victim)
    page = admin_client.get("/admin/identity/usersession/")
    assert page.status_code == 200 and b"alice" in page.content
    row = UserSession.objects.get(user=alice)
    response = admin_client.post(
        "/admin/identity/usersession/", {"action": "end_selected", "_selected_action": [row.pk]}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.end_reason == EndReason.ADMIN
    assert victim.get("/api/whoami/").status_code == 401


def test_admin_session_detail_and_outbox_pages_render(admin_client: Client, alice: Any) -> None:
    sign_in(Client())
    row = UserSession.objects.get(user=alice)
    assert admin_client.get(f"/admin/identity/usersession/{row.pk}/change/").status_code == 200
    assert admin_client.get("/admin/identity/outboxmessage/").status_code == 200
    assert admin_client.get("/admin/identity/usersession/?state=live").status_code == 200
