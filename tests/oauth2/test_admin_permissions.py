"""Admin actions on clients, grants and consents need a write permission, not just *view*:
rotating a secret even shows the new one to whoever runs it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from identity.oauth2.models import Client, Consent, Grant, GrantType
from tests.admin_actions import assert_refused, every_identity_permission_but, run_offered, staff_client, table_state

pytestmark = pytest.mark.django_db

# (admin page, action, the permission it needs)
CASES = [
    pytest.param("client", "rotate_secret", "change_client", id="client-rotate_secret"),
    pytest.param("client", "revoke_all_tokens", "delete_grant", id="client-revoke_all_tokens"),
    pytest.param("client", "deactivate", "change_client", id="client-deactivate"),
    pytest.param("grant", "revoke", "delete_grant", id="grant-revoke"),
    pytest.param("consent", "withdraw", "delete_consent", id="consent-withdraw"),
]


@pytest.fixture
def rows(app: Any, alice: Any) -> dict[str, Any]:
    """A confidential client with a live grant and a consent of alice's."""
    client, _ = app
    grant = Grant.objects.create(
        client=client,
        user=alice,
        grant_type=GrantType.AUTHORIZATION_CODE,
        scope="openid",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    consent = Consent.objects.create(user=alice, client=client, scope="openid")
    return {"client": client, "grant": grant, "consent": consent}


def _state() -> list[tuple[Any, ...]]:
    return table_state(Client, Grant, Consent)


def _took_effect(action: str, rows: dict[str, Any]) -> bool:
    client = Client.objects.get(pk=rows["client"].pk)
    grant = Grant.objects.get(pk=rows["grant"].pk)
    return {
        "rotate_secret": client.secret_digest != rows["client"].secret_digest,
        "revoke_all_tokens": grant.revoked_at is not None,
        "deactivate": not client.is_active and grant.revoked_at is not None,
        "revoke": grant.revoked_at is not None,
        "withdraw": not Consent.objects.filter(pk=rows["consent"].pk).exists() and grant.revoked_at is not None,
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
