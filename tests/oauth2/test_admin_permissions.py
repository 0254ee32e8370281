"""Admin actions on clients, grants and consents need a write permission, not just *view*:
rotating a secret even shows the new one to whoever runs it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from identity.oauth2.models import Client, Consent, Grant, GrantType
from tests.admin_actions import AdminActionPermissions

pytestmark = pytest.mark.django_db


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


class TestClientGrantAndConsentActions(AdminActionPermissions):
    CASES = [
        pytest.param("client", "rotate_secret", "change_client", id="client-rotate_secret"),
        pytest.param("client", "revoke_all_tokens", "delete_grant", id="client-revoke_all_tokens"),
        pytest.param("client", "deactivate", "change_client", id="client-deactivate"),
        pytest.param("grant", "revoke", "delete_grant", id="grant-revoke"),
        pytest.param("consent", "withdraw", "delete_consent", id="consent-withdraw"),
    ]
    MODELS = (Client, Grant, Consent)

    def took_effect(self, action: str, rows: dict[str, Any]) -> bool:
        client = Client.objects.get(pk=rows["client"].pk)
        grant = Grant.objects.get(pk=rows["grant"].pk)
        return {
            "rotate_secret": client.secret_digest != rows["client"].secret_digest,
            "revoke_all_tokens": grant.revoked_at is not None,
            "deactivate": not client.is_active and grant.revoked_at is not None,
            "revoke": grant.revoked_at is not None,
            "withdraw": not Consent.objects.filter(pk=rows["consent"].pk).exists() and grant.revoked_at is not None,
        }[action]
