"""Revoking API tokens in the admin needs delete_apitoken, not just *view*."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from identity.tokens.models import APIToken
from tests.admin_actions import AdminActionPermissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(alice: Any) -> dict[str, Any]:
    """An API token of alice's: its row, and the ``token`` itself."""
    token = Client().post("/api/auth/token/", {"username": "alice", "password": "alice-pass"}).json()["token"]
    return {"apitoken": APIToken.objects.get(), "token": token}


def _whoami(token: str) -> int:
    return Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}").status_code


class TestAPITokenActions(AdminActionPermissions):
    CASES = [pytest.param("apitoken", "revoke_selected", "delete_apitoken", id="apitoken-revoke_selected")]
    MODELS = (APIToken,)

    def took_effect(self, action: str, rows: dict[str, Any]) -> bool:
        return APIToken.objects.get().revoked_at is not None and _whoami(rows["token"]) == 401

    def assert_still_in_force(self, rows: dict[str, Any]) -> None:
        assert _whoami(rows["token"]) == 200
