"""``/api/auth/*`` reads bodies through identity's parsing layer: deep JSON, lone surrogates,
bytes that are not UTF-8 and oversized bodies are answered with the API's JSON error (400, 413
for the size), never a 500 or Django's HTML page, and nothing stored changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from identity.jwt.models import RefreshFamily
from identity.tokens.models import APIToken

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/auth/token/", "/api/auth/jwt/", "/api/auth/jwt/refresh/", "/api/auth/jwt/revoke/"]
JSON = "application/json"


def _stored() -> tuple[int, int, list[tuple[Any, ...]]]:
    users = list(get_user_model().objects.order_by("pk").values_list("pk", "password", "last_login"))
    return APIToken.objects.count(), RefreshFamily.objects.count(), users


def _json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["error"] == "invalid_request" and body["error_description"]
    return body


@pytest.fixture
def before(alice: Any) -> tuple[int, int, list[tuple[Any, ...]]]:
    return _stored()


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "body",
    [
        b"[" * 5000 + b"]" * 5000,
        b'{"username": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"username": "alice", "password": "\\ud800"}',
        b'{"refresh": "\\udc00abc"}',
        b'{"username": "alice\\u0000", "password": "alice-pass"}',
        b'{"username": "alice", "password": "\xff\xfe"}',
        b'{"username": "alice", "password": NaN}',
    ],
    ids=["deep", "deep-in-a-field", "surrogate", "surrogate-refresh", "nul", "not-utf8", "nan"],
)
def test_unreadable_json_is_a_json_400(path: str, body: bytes, before: Any) -> None:
    _json_error(Client().generic("POST", path, body, content_type=JSON), 400)
    assert _stored() == before


@pytest.mark.parametrize("path", ENDPOINTS)
@override_settings(DEBUG=True)  # the demo runs with DEBUG: still JSON, not the debug page
def test_oversized_body_is_a_json_413(path: str, before: Any) -> None:
    body = b'{"username": "alice", "password": "' + b"x" * (70 * 1024) + b'"}'
    response = Client().generic("POST", path, body, content_type=JSON)
    _json_error(response, 413)
    assert _stored() == before


@pytest.mark.parametrize("path", ENDPOINTS)
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_django_s_own_limit_is_a_json_413(path: str, before: Any) -> None:
    body = b'{"username": "alice", "password": "' + b"x" * 2000 + b'"}'
    _json_error(Client().generic("POST", path, body, content_type=JSON), 413)
    assert _stored() == before


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "body", [b"username=alice&password=%ff", b"username=alice%00&password=x", b"username=" + b"a" * 70000]
)
def test_unreadable_form_is_a_json_error(path: str, body: bytes, before: Any) -> None:
    response = Client().generic("POST", path, body, content_type="application/x-www-form-urlencoded")
    _json_error(response, 413 if len(body) > 65536 else 400)
    assert _stored() == before


def test_broken_multipart_is_a_json_400(before: Any) -> None:
    response = Client().generic(
        "POST", "/api/auth/token/", b"--x\r\nnot a part", content_type="multipart/form-data; boundary=x"
    )
    _json_error(response, 400)
    assert _stored() == before


def test_a_readable_request_still_succeeds(alice: Any) -> None:
    client = Client()
    created = client.post("/api/auth/token/", {"username": "alice", "password": "alice-pass"}, content_type=JSON)
    assert created.status_code == 201
    pair = client.post("/api/auth/jwt/", {"username": "alice", "password": "pässwörd-not"}, content_type=JSON)
    assert pair.status_code == 400 and pair.json()["error"] == "invalid_grant"  # read, then refused
    pair = client.post("/api/auth/jwt/", {"username": "alice", "password": "alice-pass"}, content_type=JSON)
    assert pair.status_code == 200
    refreshed = client.post("/api/auth/jwt/refresh/", {"refresh": pair.json()["refresh"]}, content_type=JSON)
    assert refreshed.status_code == 200


def test_get_with_a_bearer_token_reads_no_body(alice: Any) -> None:
    """The hot path: a GET is never parsed, whatever body it carries."""
    token = Client().post("/api/auth/token/", {"username": "alice", "password": "alice-pass"}, content_type=JSON)
    response = Client().generic(
        "GET", "/api/auth/token/", b"[" * 5000, content_type=JSON, HTTP_AUTHORIZATION=f"Token {token.json()['token']}"
    )
    assert response.status_code == 405  # GET is not an action of this endpoint: no parsing was needed
