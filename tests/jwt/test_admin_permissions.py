"""Admin actions on signing keys and sign-ins need a write permission, not just *view*: a
view-only staff member must not be able to rotate or retire keys or revoke sign-ins."""

from __future__ import annotations

from typing import Any

import pytest

from identity.jwt.models import DeniedToken, RefreshFamily, SigningKey
from tests.admin_actions import AdminActionPermissions
from tests.jwt.conftest import obtain

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(alice: Any) -> dict[str, Any]:
    """A signing key and one sign-in (refresh family) of alice's, made by obtaining a pair."""
    obtain()
    return {"signingkey": SigningKey.objects.get(), "refreshfamily": RefreshFamily.objects.get()}


class TestSigningKeyAndSignInActions(AdminActionPermissions):
    CASES = [
        pytest.param("signingkey", "rotate_now", "change_signingkey", id="signingkey-rotate_now"),
        pytest.param("signingkey", "retire_selected", "change_signingkey", id="signingkey-retire_selected"),
        pytest.param("refreshfamily", "revoke_selected", "delete_refreshfamily", id="refreshfamily-revoke_selected"),
    ]
    MODELS = (SigningKey, RefreshFamily, DeniedToken)

    def took_effect(self, action: str, rows: dict[str, Any]) -> bool:
        return {
            "rotate_now": SigningKey.objects.count() == 2,
            "retire_selected": SigningKey.objects.get(pk=rows["signingkey"].pk).retired_at is not None,
            "revoke_selected": RefreshFamily.objects.get(pk=rows["refreshfamily"].pk).revoked_at is not None,
        }[action]
