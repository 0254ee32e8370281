"""``/api/auth/jwt/``, ``…/refresh/`` and ``…/revoke/`` as the contract says."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from identity.jwt.models import RefreshFamily, RefreshToken
from identity.sessions.models import UserSession
from tests.conftest import sign_in
from tests.jwt.conftest import bearer, claims_of, header_of, obtain, whoami

pytestmark = pytest.mark.django_db(transaction=True)


def post(path: str, body: dict[str, Any] | None = None, **extra: Any) -> Any:
    return Client().post(path, body or {}, content_type="application/json", **extra)


def test_obtain_answers_a_pair(alice: Any) -> None:
    response = Client().post("/api/auth/jwt/", {"username": "alice", "password": "alice-pass"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"access", "refresh", "token_type", "expires_in"}
    assert data["token_type"] == "Bearer" and data["expires_in"] == 300
    assert response["Cache-Control"] == "no-store"
    assert data["refresh"].startswith("idr_")


def test_access_tokens_follow_rfc_9068(pair: dict[str, Any], alice: Any) -> None:
    header, claims = header_of(pair["access"]), claims_of(pair["access"])
    assert header["typ"] == "at+jwt" and header["alg"] == "RS256" and isinstance(header["kid"], str)
    assert claims["iss"] == "http://testserver" and claims["aud"] == "http://testserver"
    assert claims["sub"] == str(alice.pk)  # the stable id, never the username
    assert claims["client_id"] == "identity" and claims["scope"] == "api"
    assert claims["exp"] - claims["iat"] == 300 and abs(claims["iat"] - time.time()) < 5
    assert len(claims["jti"]) >= 16 and "sid" not in claims


def test_access_token_authenticates(pair: dict[str, Any]) -> None:
    assert whoami(pair["access"]).json() == {"user": "alice", "method": "jwt"}
    assert whoami(pair["access"], "/plain/whoami/").json() == {"user": "alice", "method": "jwt"}
    assert Client(enforce_csrf_checks=True).post("/api/whoami/", **bearer(pair["access"])).status_code == 200


def test_audience_setting(alice: Any, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "JWT_AUDIENCE": "demo-api"}
    token = obtain()["access"]
    assert claims_of(token)["aud"] == "demo-api"
    assert whoami(token).status_code == 200


def test_a_browser_session_gets_a_pair_bound_to_it(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    client.post("/accounts/login/", {"username": "alice", "password": "alice-pass", "csrfmiddlewaretoken": csrf})
    assert client.post("/api/auth/jwt/").status_code == 403  # CSRF applies to the session path
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post("/api/auth/jwt/", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200
    claims = claims_of(response.json()["access"])
    assert claims["sid"] == UserSession.objects.get().sid
    assert RefreshFamily.objects.get().sid == claims["sid"]


def test_no_credentials_and_no_session_is_invalid_request() -> None:
    response = post("/api/auth/jwt/")
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"username": "alice", "password": "nope"}, "invalid_grant"),
        ({"username": "alice"}, "invalid_request"),
        ({"username": 3, "password": "alice-pass"}, "invalid_request"),
    ],
)
def test_obtain_errors(alice: Any, body: dict[str, Any], error: str) -> None:
    response = post("/api/auth/jwt/", body)
    assert response.status_code == 400 and response.json()["error"] == error


def test_refresh_rotates_and_spends(pair: dict[str, Any]) -> None:
    response = post("/api/auth/jwt/refresh/", {"refresh": pair["refresh"]})
    assert response.status_code == 200
    new = response.json()
    assert set(new) == {"access", "refresh", "token_type", "expires_in"}
    assert new["refresh"] != pair["refresh"] and new["access"] != pair["access"]
    assert claims_of(new["access"])["sub"] == claims_of(pair["access"])["sub"]
    assert whoami(new["access"]).status_code == 200
    assert whoami(pair["access"]).status_code == 200  # the old access token lives out its minutes
    assert RefreshToken.objects.filter(used_at__isnull=False).count() == 1


def test_a_spent_refresh_token_revokes_the_family(pair: dict[str, Any]) -> None:
    new = post("/api/auth/jwt/refresh/", {"refresh": pair["refresh"]}).json()
    replay = post("/api/auth/jwt/refresh/", {"refresh": pair["refresh"]})
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    family = RefreshFamily.objects.get()
    assert family.revoke_reason == "reuse"
    # Everything the family issued ends: the newest refresh token and both access tokens.
    assert post("/api/auth/jwt/refresh/", {"refresh": new["refresh"]}).json()["error"] == "invalid_grant"
    assert whoami(new["access"]).status_code == 401
    assert whoami(pair["access"]).status_code == 401


@pytest.mark.parametrize("token", ["idr_" + "A" * 43, "nonsense", "idr_short", "x" * 300])
def test_unknown_refresh_tokens_are_invalid_grants(alice: Any, token: str) -> None:
    response = post("/api/auth/jwt/refresh/", {"refresh": token})
    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_grant", "invalid_request"}


def test_an_expired_refresh_token_is_refused(pair: dict[str, Any]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    RefreshToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert post("/api/auth/jwt/refresh/", {"refresh": pair["refresh"]}).json()["error"] == "invalid_grant"
    assert RefreshFamily.objects.get().revoked_at is None  # expiry is not theft


def test_refresh_needs_the_field(alice: Any) -> None:
    response = post("/api/auth/jwt/refresh/", {})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_a_refresh_token_never_passes_as_an_access_token(pair: dict[str, Any]) -> None:
    response = whoami(pair["refresh"])
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="identity", error="invalid_token"')


def test_revoke_with_the_refresh_token(pair: dict[str, Any]) -> None:
    assert post("/api/auth/jwt/revoke/", {"refresh": pair["refresh"]}).status_code == 204
    assert whoami(pair["access"]).status_code == 401
    assert post("/api/auth/jwt/refresh/", {"refresh": pair["refresh"]}).json()["error"] == "invalid_grant"
    assert RefreshFamily.objects.get().revoke_reason == "revoked"


def test_revoke_with_the_access_token(pair: dict[str, Any]) -> None:
    assert post("/api/auth/jwt/revoke/", **bearer(pair["access"])).status_code == 204
    assert whoami(pair["access"]).status_code == 401
    assert post("/api/auth/jwt/refresh/", {"refresh": pair["refresh"]}).json()["error"] == "invalid_grant"


@pytest.mark.parametrize("token", ["idr_" + "B" * 43, "garbage"])
def test_revoke_tells_nothing_about_unknown_tokens(alice: Any, token: str) -> None:
    assert post("/api/auth/jwt/revoke/", {"refresh": token}).status_code == 204
    pair = obtain()
    assert post("/api/auth/jwt/revoke/", {"refresh": pair["refresh"]}).status_code == 204
    assert post("/api/auth/jwt/revoke/", {"refresh": pair["refresh"]}).status_code == 204  # already revoked


def test_revoke_without_a_token_is_invalid_request(alice: Any) -> None:
    assert post("/api/auth/jwt/revoke/").json()["error"] == "invalid_request"


def test_revoking_one_sign_in_leaves_the_others(alice: Any) -> None:
    first, second = obtain(), obtain()
    post("/api/auth/jwt/revoke/", {"refresh": first["refresh"]})
    assert whoami(first["access"]).status_code == 401
    assert whoami(second["access"]).status_code == 200


def test_jwt_endpoints_404_when_switched_off(alice: Any, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "JWT_ENABLED": False}
    assert post("/api/auth/jwt/", {"username": "alice", "password": "alice-pass"}).status_code == 404
    assert Client().get("/.well-known/jwks.json").status_code == 404


def test_the_sign_in_helper_creates_sessions(alice: Any) -> None:
    sign_in(Client())
    assert UserSession.objects.count() == 1
