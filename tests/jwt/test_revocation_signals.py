"""Revocation reaches JWTs: signing out (here, everywhere, by an admin), a password change, a
deactivated or deleted user end the refresh families and deny the live access tokens, through
the ``session_ended`` and ``credentials_changed`` signals."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from identity.jwt.models import DeniedToken, RefreshFamily
from identity.sessions import services
from identity.sessions.models import EndReason, UserSession
from tests.conftest import CREDENTIAL_CHANGES, change_credentials, sign_in
from tests.jwt.conftest import obtain, whoami

pytestmark = pytest.mark.django_db(transaction=True)


def browser_pair() -> tuple[Client, dict[str, Any]]:
    """A signed-in browser and the pair it obtained from its session."""
    client = Client()
    sign_in(client)
    response = client.post("/api/auth/jwt/", HTTP_X_CSRFTOKEN=client.cookies[settings.CSRF_COOKIE_NAME].value)
    assert response.status_code == 200
    return client, response.json()


def refresh(pair: dict[str, Any]) -> Any:
    return Client().post("/api/auth/jwt/refresh/", {"refresh": pair["refresh"]}, content_type="application/json")


def test_signing_out_ends_the_sessions_jwts(alice: Any) -> None:
    browser, pair = browser_pair()
    other_browser, other = browser_pair()
    api_pair = obtain()  # a password sign-in: no session
    assert whoami(pair["access"]).status_code == 200
    browser.post("/accounts/logout/")
    response = whoami(pair["access"])
    assert response.status_code == 401 and "revoked" in response["WWW-Authenticate"]
    assert refresh(pair).json()["error"] == "invalid_grant"
    assert whoami(other["access"]).status_code == 200  # another session's tokens live on
    assert whoami(api_pair["access"]).status_code == 200
    assert DeniedToken.objects.filter(kind="sid").count() == 1


def test_the_sid_denial_covers_tokens_nobody_recorded(alice: Any) -> None:
    """An access token carrying the session's sid dies with it even if no family knew of it (the
    OAuth provider's tokens, or ones refreshed since)."""
    from identity.jwt.tokens import issue_access_token

    browser, _ = browser_pair()
    row = UserSession.objects.get()
    token, _ = issue_access_token(alice, client_id="some-oauth-client", scope="profile", sid=row.sid)
    assert whoami(token, "/api/scoped/").status_code == 200  # an OAuth token: on a view that takes its scope
    services.end_session(row, EndReason.ADMIN)
    assert whoami(token, "/api/scoped/").status_code == 401


def test_sign_out_everywhere_ends_every_sessions_jwts(alice: Any) -> None:
    browsers = [browser_pair(), browser_pair()]
    first_browser = browsers[0][0]
    first_browser.post("/accounts/security/sign-out-everywhere/")
    assert all(whoami(pair["access"]).status_code == 401 for _, pair in browsers)


@pytest.mark.parametrize("change", CREDENTIAL_CHANGES)
def test_credential_changes_end_every_jwt(alice: Any, change: str) -> None:
    api_pair, (_, browser) = obtain(), browser_pair()
    refreshed = refresh(api_pair).json()  # two access tokens of the family are live now
    change_credentials(alice, change)
    for token in (api_pair["access"], refreshed["access"], browser["access"]):
        assert whoami(token).status_code == 401
    assert refresh(refreshed).status_code == 400
    if change != "delete":
        reasons = set(RefreshFamily.objects.values_list("revoke_reason", flat=True))
        assert reasons <= {"password_changed", "user_deactivated", "session_ended"}


def test_other_users_keep_their_jwts(alice: Any, bob: Any) -> None:
    alices, bobs = obtain(), obtain("bob", "bob-pass")
    alice.set_password("changed")
    alice.save()
    assert whoami(alices["access"]).status_code == 401
    assert whoami(bobs["access"]).status_code == 200


def test_the_security_page_lists_and_signs_out_apps(alice: Any) -> None:
    api_pair = obtain()
    browser = Client()
    sign_in(browser)
    page = browser.get("/accounts/security/").content.decode()
    family = RefreshFamily.objects.get()
    assert 'data-testid="jwt-apps"' in page and family.family_id in page
    assert browser.post(f"/accounts/security/apps/{family.family_id}/revoke/").status_code == 302
    assert whoami(api_pair["access"]).status_code == 401
    assert RefreshFamily.objects.get().revoke_reason == "user"
    assert 'data-testid="no-families"' in browser.get("/accounts/security/").content.decode()


def test_admin_revokes_sign_ins(admin_client: Client, alice: Any) -> None:
    api_pair = obtain()
    family = RefreshFamily.objects.get()
    assert admin_client.get("/admin/identity/refreshfamily/").status_code == 200
    admin_client.post("/admin/identity/refreshfamily/", {"action": "revoke_selected", "_selected_action": [family.pk]})
    assert whoami(api_pair["access"]).status_code == 401
    assert admin_client.get("/admin/identity/deniedtoken/").status_code == 200
