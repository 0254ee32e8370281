from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_correct_credentials_authenticate(alice: Any) -> None:
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass"))
    assert response.status_code == 200
    assert response.json() == {"user": "alice", "method": "basic"}


def test_basic_works_on_plain_views_through_the_middleware(alice: Any) -> None:
    response = Client().get("/plain/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass"))
    assert response.json() == {"user": "alice", "method": "basic"}


def test_wrong_password_is_401_with_the_basic_challenge(alice: Any) -> None:
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "wrong"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="identity", charset="UTF-8"'
    assert response.json() == {"error": "invalid_credentials", "error_description": "Invalid username or password."}


def test_unknown_user_and_inactive_user_fail_the_same_way(alice: Any, user_factory: Any) -> None:
    user_factory("ghost", "ghost-pass", is_active=False)
    for creds in [basic("nobody", "x"), basic("ghost", "ghost-pass")]:
        response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=creds)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_credentials"


def test_anonymous_api_request_gets_one_challenge_per_scheme() -> None:
    response = Client().get("/api/whoami/")
    assert response.status_code == 401
    assert 'Basic realm="identity"' in response["WWW-Authenticate"]
    assert response.json()["error"] == "not_authenticated"


@override_settings(IDENTITY={"BASIC_REALM": 'Reports "API"'})
def test_realm_is_configurable_and_quoted(alice: Any) -> None:
    response = Client().get("/api/whoami/")
    assert response["WWW-Authenticate"].startswith('Basic realm="Reports \\"API\\""')


@override_settings(IDENTITY={"BASIC_ENABLED": False})
def test_basic_can_be_disabled(alice: Any) -> None:
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass"))
    assert response.status_code == 401
    assert "Basic" not in response.get("WWW-Authenticate", "")


def test_a_password_with_a_colon_and_unicode(user_factory: Any) -> None:
    user_factory("zoë", "pa:ss:wörd")
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=basic("zoë", "pa:ss:wörd"))
    assert response.json()["user"] == "zoë"


def test_a_repeated_correct_credential_does_not_pay_the_hasher_again(alice: Any, monkeypatch: Any) -> None:
    hasher = get_hasher()
    calls: list[str] = []
    original = type(hasher).verify

    def counting(self: Any, password: str, encoded: str) -> bool:
        calls.append(password)
        return original(self, password, encoded)

    monkeypatch.setattr(type(hasher), "verify", counting)
    client = Client()
    for _ in range(5):
        assert client.get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass")).status_code == 200
    assert len(calls) == 1
    # A wrong password is never served from the cache of the right one.
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pas")).status_code == 401
    assert len(calls) == 2


def test_the_verdict_dies_with_a_password_change(alice: Any) -> None:
    client = Client()
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass")).status_code == 200
    alice.set_password("new-pass")
    alice.save()
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass")).status_code == 401
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "new-pass")).status_code == 200


def test_the_verdict_dies_with_deactivation(alice: Any) -> None:
    client = Client()
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass")).status_code == 200
    alice.is_active = False
    alice.save()
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass")).status_code == 401


def test_basic_is_not_exempt_from_csrf_on_plain_views(alice: Any) -> None:
    """Browsers replay cached Basic credentials on cross-site requests, so CSRF still applies."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/security/sign-out-everywhere/", HTTP_AUTHORIZATION=basic("alice", "alice-pass"))
    assert response.status_code == 403
