"""Admin actions on signing keys and sign-ins need a write permission, not just *view*: a
view-only staff member must not be able to rotate or retire keys or revoke sign-ins."""

from __future__ import annotations

from typing import Any

import pytest

from identity.jwt.models import DeniedToken, RefreshFamily, SigningKey
from tests.admin_actions import assert_refused, every_identity_permission_but, run_offered, staff_client, table_state
from tests.jwt.conftest import obtain

pytestmark = pytest.mark.django_db

# (admin page, action, the permission it needs)
CASES = [
    pytest.param("signingkey", "rotate_now", "change_signingkey", id="signingkey-rotate_now"),
    pytest.param("signingkey", "retire_selected", "change_signingkey", id="signingkey-retire_selected"),
    pytest.param("refreshfamily", "revoke_selected", "delete_refreshfamily", id="refreshfamily-revoke_selected"),
]


@pytest.fixture
def rows(alice: Any) -> dict[str, Any]:
    """A signing key and one sign-in (refresh family) of alice's, made by obtaining a pair."""
    obtain()
    return {"signingkey": SigningKey.objects.get(), "refreshfamily": RefreshFamily.objects.get()}


def _state() -> list[tuple[Any, ...]]:
    return table_state(SigningKey, RefreshFamily, DeniedToken)


def _took_effect(action: str, rows: dict[str, Any]) -> bool:
    return {
        "rotate_now": SigningKey.objects.count() == 2,
        "retire_selected": SigningKey.objects.get(pk=rows["signingkey"].pk).retired_at is not None,
        "revoke_selected": RefreshFamily.objects.get(pk=rows["refreshfamily"].pk).revoked_at is not None,
    }[action]


@pytest.mark.parametrize(("page", "action", "needs"), CASES)
def test_view_only_staff_cannot_run_the_action(rows: dict[str, Any], page: str, action: str, needs: str) -> None:
    browser = staff_client("viewer", f"identity.view_{page}")
    assert_refused(browser, f"/admin/identity/{page}/", action, rows[page].pk, _state)


@pytest.mark.parametrize(("page", "action", "needs"), CASES)
def test_every_other_permission_is_not_enough(rows: dict[str, Any], page: str, action: str, needs: str) -> None:
    browser = staff_client("almost", *every_identity_permission_but(needs))
    assert_refused(browser, f"/admin/identity/{page}/", action, rows[page].pk, _state)


@pytest.mark.parametrize(("page", "action", "needs"), CASES)
def test_staff_with_the_permission_runs_the_action(rows: dict[str, Any], page: str, action: str, needs: str) -> None:
    browser = staff_client("operator", f"identity.view_{page}", f"identity.{needs}")
    assert not _took_effect(action, rows)
    run_offered(browser, f"/admin/identity/{page}/", action, rows[page].pk)
    assert _took_effect(action, rows)
