"""Ending sessions in the admin needs delete_usersession, not just *view*: it signs a user out
everywhere the session reached."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from identity.sessions.models import EndReason, UserSession
from tests.admin_actions import assert_refused, every_identity_permission_but, run_offered, staff_client, table_state
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "/admin/identity/usersession/"


@pytest.fixture
def victim(alice: Any) -> Client:
    browser = Client()
    sign_in(browser)
    return browser


def _state() -> list[tuple[Any, ...]]:
    return table_state(UserSession)


def _assert_cannot_end(alice: Any, victim: Client, browser: Client) -> None:
    row = UserSession.objects.get(user=alice)
    assert_refused(browser, CHANGELIST, "end_selected", row.pk, _state)
    assert victim.get("/api/whoami/").status_code == 200


def test_view_only_staff_cannot_end_sessions(alice: Any, victim: Client) -> None:
    _assert_cannot_end(alice, victim, staff_client("viewer", "identity.view_usersession"))


def test_every_other_permission_is_not_enough(alice: Any, victim: Client) -> None:
    _assert_cannot_end(alice, victim, staff_client("almost", *every_identity_permission_but("delete_usersession")))


def test_staff_with_delete_usersession_ends_sessions(alice: Any, victim: Client) -> None:
    browser = staff_client("operator", "identity.view_usersession", "identity.delete_usersession")
    row = UserSession.objects.get(user=alice)
    run_offered(browser, CHANGELIST, "end_selected", row.pk)
    row.refresh_from_db()
    assert row.end_reason == EndReason.ADMIN
    assert victim.get("/api/whoami/").status_code == 401
