"""Cookie mode (``JWT_COOKIE``): a single-page app gets its tokens as HttpOnly, Secure,
SameSite cookies it cannot read, and unsafe requests need the CSRF token."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.jwt.conftest import claims_of

pytestmark = pytest.mark.django_db(transaction=True)

ACCESS, REFRESH = "identity_access", "identity_refresh"


@pytest.fixture(autouse=True)
def cookie_mode(settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "JWT_COOKIE": True, "SECURE_COOKIES": True}


def spa(alice: Any) -> Client:
    """A browser that signed in and asked its session for tokens, with CSRF enforced."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    csrf = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    client.post("/accounts/login/", {"username": "alice", "password": "alice-pass", "csrfmiddlewaretoken": csrf})
    response = client.post("/api/auth/jwt/", HTTP_X_CSRFTOKEN=client.cookies[django_settings.CSRF_COOKIE_NAME].value)
    assert response.status_code == 200
    assert response.json() == {"token_type": "Bearer", "expires_in": 300}  # no token for scripts to read
    return client


def csrf(client: Client) -> dict[str, str]:
    return {"HTTP_X_CSRFTOKEN": client.cookies[django_settings.CSRF_COOKIE_NAME].value}


def tokens_only(client: Client) -> Client:
    """The same browser without its session cookie: only the JWT cookies authenticate it."""
    bare = Client(enforce_csrf_checks=True)
    for name in (ACCESS, REFRESH, django_settings.CSRF_COOKIE_NAME):
        bare.cookies[name] = client.cookies[name].value
    return bare


def test_the_pair_arrives_as_protected_cookies(alice: Any) -> None:
    client = spa(alice)
    access, refresh = client.cookies[ACCESS], client.cookies[REFRESH]
    for morsel in (access, refresh):
        assert morsel["httponly"] and morsel["secure"] and morsel["samesite"] == "Strict"
    assert access["path"] == "/" and int(access["max-age"]) == 300
    assert refresh["path"] == "/api/auth/jwt/"  # sent only to the JWT endpoints
    assert claims_of(access.value)["sid"]  # bound to the browser session


def test_the_cookie_authenticates_and_unsafe_methods_need_csrf(alice: Any) -> None:
    client = tokens_only(spa(alice))
    assert client.get("/api/whoami/").json() == {"user": "alice", "method": "jwt"}
    response = client.post("/api/whoami/")
    assert response.status_code == 403 and response.json()["error"] == "csrf_failed"
    assert client.post("/api/whoami/", **csrf(client)).json()["posted"] is True


def test_refresh_and_revoke_through_cookies(alice: Any) -> None:
    client = tokens_only(spa(alice))
    old_access = client.cookies[ACCESS].value
    assert client.post("/api/auth/jwt/refresh/").status_code == 403  # the refresh cookie needs CSRF too
    response = client.post("/api/auth/jwt/refresh/", **csrf(client))
    assert response.status_code == 200 and "access" not in response.json()
    assert client.cookies[ACCESS].value != old_access
    assert client.get("/api/whoami/").status_code == 200
    response = client.post("/api/auth/jwt/revoke/", **csrf(client))
    assert response.status_code == 204
    assert client.cookies[ACCESS].value == "" and client.cookies[REFRESH].value == ""


def test_signing_out_kills_the_cookie_token(alice: Any) -> None:
    browser = spa(alice)
    bare = tokens_only(browser)
    browser.post("/accounts/logout/", **csrf(browser))
    response = bare.get("/api/whoami/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="identity", error="invalid_token"')


def test_scripts_can_still_ask_for_a_body_pair(alice: Any) -> None:
    response = Client().post(
        "/api/auth/jwt/", {"username": "alice", "password": "alice-pass"}, content_type="application/json"
    )
    assert set(response.json()) == {"access", "refresh", "token_type", "expires_in"}
    cookie = Client().post(
        "/api/auth/jwt/",
        {"username": "alice", "password": "alice-pass", "cookie": True},
        content_type="application/json",
    )
    assert "access" not in cookie.json() and cookie.cookies[ACCESS].value


def test_cookies_are_ignored_when_cookie_mode_is_off(alice: Any, settings: Any) -> None:
    client = tokens_only(spa(alice))
    settings.IDENTITY = {**settings.IDENTITY, "JWT_COOKIE": False}
    assert client.get("/api/whoami/").status_code == 401
