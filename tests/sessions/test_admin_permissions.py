"""Ending sessions in the admin needs delete_usersession, not just *view*: it signs a user out
everywhere the session reached."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from identity.sessions.models import EndReason, UserSession
from tests.admin_actions import AdminActionPermissions
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rows(alice: Any) -> dict[str, Any]:
    """alice signed in in the ``victim`` browser, and her session's row."""
    victim = Client()
    sign_in(victim)
    return {"usersession": UserSession.objects.get(user=alice), "victim": victim}


class TestSessionActions(AdminActionPermissions):
    CASES = [pytest.param("usersession", "end_selected", "delete_usersession", id="usersession-end_selected")]
    MODELS = (UserSession,)

    def took_effect(self, action: str, rows: dict[str, Any]) -> bool:
        row = UserSession.objects.get(pk=rows["usersession"].pk)
        return row.end_reason == EndReason.ADMIN and rows["victim"].get("/api/whoami/").status_code == 401

    def assert_still_in_force(self, rows: dict[str, Any]) -> None:
        assert rows["victim"].get("/api/whoami/").status_code == 200
