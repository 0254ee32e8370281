"""Opaque tokens and JWTs between the live demo sites over real HTTP: site B accepts site A's
access JWTs with no call to site A per request, and picks up a rotated key without restart."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
import requests

pytestmark = pytest.mark.e2e

JWKS_FETCH = "GET /.well-known/jwks.json"


def kid(token: str) -> str:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]


def claims(token: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def obtain(site_a: Any) -> dict[str, Any]:
    response = requests.post(
        f"{site_a.url}/api/auth/jwt/", json={"username": "alice", "password": "alice-demo-pass"}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


def revenue(site: Any, token: str, scheme: str = "Bearer") -> requests.Response:
    return requests.get(f"{site.url}/api/revenue/", headers={"Authorization": f"{scheme} {token}"}, timeout=10)


def wait_for(condition: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def settled_fetches(site_a: Any) -> int:
    """JWK Set fetches in site A's log once every earlier request has been logged: runserver
    writes a line after answering, so a marker request is sent and waited for first."""
    marker = f"/accounts/login/?marker={time.time_ns()}"
    requests.get(site_a.url + marker, timeout=10)
    wait_for(lambda: marker in site_a.log())
    return site_a.log().count(JWKS_FETCH)


def test_site_b_accepts_site_a_jwts_without_calling_site_a(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    pair = obtain(site_a)
    access = claims(pair["access"])
    assert access["iss"] == site_a.url and access["aud"] == "demo-api" and access["client_id"] == "identity"
    assert revenue(site_a, pair["access"]).json()["authenticated_by"] == "jwt"
    first = revenue(site_b, pair["access"])
    assert first.status_code == 200, first.text
    assert first.json()["user"] == "alice" and first.json()["authenticated_by"] == "jwt"
    fetches = settled_fetches(site_a)
    assert fetches >= 1  # site B fetched site A's JWK Set (in this test or an earlier one)
    for _ in range(5):
        assert revenue(site_b, obtain(site_a)["access"]).status_code == 200
    assert settled_fetches(site_a) == fetches  # no call to site A per request


def test_site_b_answers_anonymous_requests_with_both_challenges(demo_sites: Any) -> None:
    _, site_b = demo_sites
    response = requests.get(f"{site_b.url}/api/revenue/", timeout=10)
    assert response.status_code == 401
    assert (
        response.headers["WWW-Authenticate"].startswith("Basic ") and "Bearer" in response.headers["WWW-Authenticate"]
    )
    forged = requests.get(f"{site_b.url}/api/revenue/", headers={"Authorization": "Bearer a.b.c"}, timeout=10)
    assert forged.status_code == 401 and 'error="invalid_token"' in forged.headers["WWW-Authenticate"]


def test_opaque_tokens_on_site_a(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    response = requests.post(
        f"{site_a.url}/api/auth/token/", json={"username": "alice", "password": "alice-demo-pass"}, timeout=10
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert revenue(site_a, token, "Token").json()["authenticated_by"] == "token"
    assert revenue(site_b, token).status_code == 401  # site B knows only site A's JWTs
    deleted = requests.delete(f"{site_a.url}/api/auth/token/", headers={"Authorization": f"Token {token}"}, timeout=10)
    assert deleted.status_code == 204
    assert revenue(site_a, token, "Token").status_code == 401


def test_revocation_reaches_site_a_at_once_and_site_b_at_expiry(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    pair = obtain(site_a)
    assert revenue(site_b, pair["access"]).status_code == 200
    revoked = requests.post(f"{site_a.url}/api/auth/jwt/revoke/", json={"refresh": pair["refresh"]}, timeout=10)
    assert revoked.status_code == 204
    assert revenue(site_a, pair["access"]).status_code == 401
    # Site B shares nothing with site A: the token lives out its five minutes there (the contract).
    assert revenue(site_b, pair["access"]).status_code == 200


def test_key_rotation_end_to_end(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    before = obtain(site_a)["access"]
    assert revenue(site_b, before).status_code == 200
    result = site_a.manage("identity_rotate_keys", "--now")
    assert result.returncode == 0, result.stderr
    assert "published, signs from" in result.stdout and "1 published" in result.stdout
    # Site A's running server learns of the new key within its sync interval.
    after = wait_for(lambda: (token := obtain(site_a)["access"]) and kid(token) != kid(before) and token)
    published = requests.get(f"{site_a.url}/.well-known/jwks.json", timeout=10).json()
    assert {kid(before), kid(after)} <= {k["kid"] for k in published["keys"]}
    fetches = settled_fetches(site_a)
    assert revenue(site_b, after).status_code == 200  # site B fetched the new key, no restart
    wait_for(lambda: site_a.log().count(JWKS_FETCH) == fetches + 1)  # exactly one refetch
    assert site_a.log().count(JWKS_FETCH) == fetches + 1
    assert revenue(site_b, before).status_code == 200  # old tokens work until they expire
    assert revenue(site_a, before).status_code == 200
    assert revenue(site_a, after).status_code == 200
