"""Enabling and disabling CAS services needs change_casservice, not just *view*: disabling one
closes single sign-on for everyone who uses it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from identity.cas.models import CasService
from tests.admin_actions import AdminActionPermissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(service_factory: Callable[..., CasService]) -> dict[str, CasService]:
    """The service each action would change: a disabled one to enable, an enabled one to disable."""
    return {
        "enable": service_factory("Off", "https://off.example.com/", enabled=False),
        "disable": service_factory("On", "https://on.example.com/", enabled=True),
    }


class TestCasServiceActions(AdminActionPermissions):
    CASES = [
        pytest.param("casservice", "enable", "change_casservice", id="casservice-enable"),
        pytest.param("casservice", "disable", "change_casservice", id="casservice-disable"),
    ]
    MODELS = (CasService,)

    def target(self, rows: dict[str, Any], page: str, action: str) -> Any:
        return rows[action].pk

    def took_effect(self, action: str, rows: dict[str, Any]) -> bool:
        return CasService.objects.get(pk=rows[action].pk).enabled is (action == "enable")
