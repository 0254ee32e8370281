"""Revoking API tokens in the admin needs delete_apitoken, not just *view*."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from identity.tokens.models import APIToken
from tests.admin_actions import assert_refused, every_identity_permission_but, run_offered, staff_client, table_state

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/identity/apitoken/"


@pytest.fixture
def token(alice: Any) -> str:
    return Client().post("/api/auth/token/", {"username": "alice", "password": "alice-pass"}).json()["token"]


def _assert_cannot_revoke(token: str, browser: Client) -> None:
    assert_refused(browser, CHANGELIST, "revoke_selected", APIToken.objects.get().pk, lambda: table_state(APIToken))
    assert Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_view_only_staff_cannot_revoke(token: str) -> None:
    _assert_cannot_revoke(token, staff_client("viewer", "identity.view_apitoken"))


def test_every_other_permission_is_not_enough(token: str) -> None:
    _assert_cannot_revoke(token, staff_client("almost", *every_identity_permission_but("delete_apitoken")))


def test_staff_with_delete_apitoken_revokes(token: str) -> None:
    browser = staff_client("operator", "identity.view_apitoken", "identity.delete_apitoken")
    run_offered(browser, CHANGELIST, "revoke_selected", APIToken.objects.get().pk)
    assert APIToken.objects.get().revoked_at is not None
    assert Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
