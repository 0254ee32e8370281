"""Enabling and disabling CAS services needs change_casservice, not just *view*: disabling one
closes single sign-on for everyone who uses it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from identity.cas.models import CasService
from tests.admin_actions import assert_refused, every_identity_permission_but, run_offered, staff_client, table_state

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/identity/casservice/"
ACTIONS = ["enable", "disable"]


@pytest.fixture
def targets(service_factory: Callable[..., CasService]) -> dict[str, CasService]:
    """The service each action would change: a disabled one to enable, an enabled one to disable."""
    return {
        "enable": service_factory("Off", "https://off.example.com/", enabled=False),
        "disable": service_factory("On", "https://on.example.com/", enabled=True),
    }


def _state() -> list[tuple[Any, ...]]:
    return table_state(CasService)


@pytest.mark.parametrize("action", ACTIONS)
def test_view_only_staff_cannot_run_the_action(targets: dict[str, CasService], action: str) -> None:
    browser = staff_client("viewer", "identity.view_casservice")
    assert_refused(browser, CHANGELIST, action, targets[action].pk, _state)


@pytest.mark.parametrize("action", ACTIONS)
def test_every_other_permission_is_not_enough(targets: dict[str, CasService], action: str) -> None:
    browser = staff_client("almost", *every_identity_permission_but("change_casservice"))
    assert_refused(browser, CHANGELIST, action, targets[action].pk, _state)


@pytest.mark.parametrize("action", ACTIONS)
def test_staff_with_the_permission_runs_the_action(targets: dict[str, CasService], action: str) -> None:
    browser = staff_client("operator", "identity.view_casservice", "identity.change_casservice")
    run_offered(browser, CHANGELIST, action, targets[action].pk)
    assert CasService.objects.get(pk=targets[action].pk).enabled is (action == "enable")
