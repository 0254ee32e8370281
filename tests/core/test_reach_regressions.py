"""Regression tests for issue 9: credentials that reached more than they were issued for.

Each test reproduces a defect found by trying identity as an attacker would: an OAuth access
token of an untrusted third-party client (scope ``openid`` only) acting on identity's own pages
and the admin, a client-credentials token authenticating to API views, a first-party JWT giving
a 500 on the Security page, framable pages, the admin's unthrottled login, and HTTP Basic from a
browser skipping CSRF on API views."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as DjangoClient

from identity.oauth2.models import Client, ClientType, DeviceAuthorization, DeviceStatus, GrantType
from identity.sessions.models import UserSession
from identity.tokens.models import APIToken
from tests.conftest import sign_in
from tests.oauth2.conftest import REDIRECT, basic, exchange, form_post, pkce, query_of

pytestmark = pytest.mark.django_db

THIRD_PARTY = {
    "name": "Third-party app",
    "client_id": "third-party",
    "client_type": ClientType.CONFIDENTIAL,
    "grant_types": [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
    "redirect_uris": REDIRECT,
    "scopes": "openid",
    "trusted": False,
}


def _register(**fields: Any) -> tuple[Client, str]:
    client = Client(**{**THIRD_PARTY, **fields})
    secret = client.set_secret()
    client.save()
    return client, secret


def oauth_token(username: str, password: str, **client_fields: Any) -> str:
    """An access token the untrusted client obtained the proper way: the user signed in,
    consented to scope ``openid`` on the consent page, and the client exchanged the code."""
    client, secret = _register(**client_fields)
    browser = DjangoClient()
    sign_in(browser, username, password)
    verifier, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": REDIRECT,
        "scope": "openid",
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = browser.get("/oauth/authorize/?" + urlencode(params))
    assert page.status_code == 200 and b"consent_decision" in page.content  # untrusted: consent asked
    allowed = browser.post("/oauth/authorize/", {**params, "consent_decision": "allow"})
    code = query_of(allowed["Location"])["code"]
    response = exchange(DjangoClient(), code, verifier, secret, client_id=client.client_id)
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


@pytest.fixture(params=["jwt", "opaque"])
def third_party_token(request: Any, alice: Any) -> str:
    return oauth_token("alice", "alice-pass", access_token_format=request.param)


def script() -> DjangoClient:
    """A program holding only a bearer token: no cookies, no CSRF token."""
    return DjangoClient(enforce_csrf_checks=True)


def test_third_party_token_cannot_mint_a_personal_api_token(third_party_token: str) -> None:
    response = script().post(
        "/accounts/security/tokens/", {"name": "stolen"}, HTTP_AUTHORIZATION=f"Bearer {third_party_token}"
    )
    assert response.status_code in (401, 403)
    assert not APIToken.objects.filter(name="stolen").exists()


def test_third_party_token_cannot_approve_another_clients_device_code(third_party_token: str) -> None:
    tv = Client(
        name="TV",
        client_id="tv",
        client_type=ClientType.PUBLIC,
        grant_types=[GrantType.DEVICE_CODE],
        scopes="openid profile email",
    )
    tv.save()
    started = form_post(DjangoClient(), "/oauth/device_authorization/", {"client_id": "tv", "scope": "openid profile"})
    user_code = started.json()["user_code"]
    response = script().post(
        "/device/", {"user_code": user_code, "decision": "approve"}, HTTP_AUTHORIZATION=f"Bearer {third_party_token}"
    )
    assert response.status_code in (401, 403)
    assert DeviceAuthorization.objects.get().status == DeviceStatus.PENDING


def test_third_party_token_cannot_sign_the_user_out_everywhere(third_party_token: str) -> None:
    live_before = UserSession.objects.live().count()
    assert live_before >= 1
    response = script().post(
        "/accounts/security/sign-out-everywhere/", HTTP_AUTHORIZATION=f"Bearer {third_party_token}"
    )
    assert response.status_code in (401, 403)
    assert UserSession.objects.live().count() == live_before


def test_staff_users_third_party_token_cannot_use_the_admin(user_factory: Any) -> None:
    user_factory("root", "root-pass", is_staff=True, is_superuser=True)
    token = oauth_token("root", "root-pass")
    listing = script().get("/admin/auth/user/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert listing.status_code in (401, 403)
    added = script().post(
        "/admin/auth/user/add/",
        {"username": "mallory", "password1": "Mallory-pass-123", "password2": "Mallory-pass-123"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert added.status_code in (401, 403)
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_client_credentials_token_is_no_user_on_api_views(db: None) -> None:
    _register(
        client_id="batch",
        grant_types=[GrantType.CLIENT_CREDENTIALS],
        scopes="reports:read",
        trusted=True,
    )
    client = Client.objects.get(client_id="batch")
    secret = client.set_secret()
    client.save()
    issued = form_post(
        DjangoClient(), "/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=basic("batch", secret)
    )
    assert issued.status_code == 200, issued.content
    token = issued.json()["access_token"]
    response = script().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403, response.content
    assert "client:batch" not in response.content.decode()


@pytest.fixture
def first_party_jwt(alice: Any) -> str:
    response = DjangoClient().post(
        "/api/auth/jwt/", {"username": "alice", "password": "alice-pass"}, content_type="application/json"
    )
    assert response.status_code == 200
    return str(response.json()["access"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/accounts/security/"),
        ("post", "/accounts/security/tokens/"),
        ("post", "/accounts/security/sign-out-everywhere/"),
    ],
)
def test_first_party_jwt_on_identity_pages_is_refused_cleanly(first_party_jwt: str, method: str, path: str) -> None:
    response = getattr(script(), method)(path, HTTP_AUTHORIZATION=f"Bearer {first_party_jwt}")
    assert response.status_code in (401, 403), response.status_code
    assert not APIToken.objects.exists()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/security/"])
def test_identity_pages_refuse_to_be_framed_without_the_clickjacking_middleware(signed_in: Any, path: str) -> None:
    # tests.settings, like the README's middleware list, has no XFrameOptionsMiddleware.
    response = signed_in.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_admin_login_goes_through_identitys_throttled_sign_in(user_factory: Any) -> None:
    user_factory("root", "root-pass", is_staff=True, is_superuser=True)
    browser = DjangoClient()
    for _ in range(12):
        response = browser.post("/admin/login/?next=/admin/", {"username": "root", "password": "wrong"})
        # never a password checked outside identity's throttled sign-in
        assert response.status_code in (302, 429), response.status_code
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")


def test_basic_from_a_browser_meets_csrf_on_api_views(alice: Any) -> None:
    browser = DjangoClient(enforce_csrf_checks=True)
    browser.cookies["some_site_cookie"] = "1"  # a browser sends the site's cookies with it
    response = browser.post("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass"))
    assert response.status_code == 403, response.content
    assert response.json()["error"] == "csrf_failed"


def test_basic_from_a_script_needs_no_csrf_on_plain_views(alice: Any) -> None:
    # curl -u alice:... -X POST: no cookies, no Origin, no Sec-Fetch-Site
    response = script().post("/plain/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass"))
    assert response.status_code == 200, response.content
    assert response.json()["user"] == "alice"
