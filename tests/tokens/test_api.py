"""``/api/auth/token/``: create with a password, use as ``Token`` or ``Bearer``, revoke."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from identity.core.crypto import sha256_hex
from identity.tokens.models import APIToken

pytestmark = pytest.mark.django_db


def create(**fields: Any) -> Any:
    """POST /api/auth/token/ with alice's credentials, or with ``fields`` in their place."""
    body = {"username": "alice", "password": "alice-pass", **fields}
    return Client().post("/api/auth/token/", body, content_type="application/json")


def test_create_answers_the_contract_shape(alice: Any) -> None:
    response = create(name="backup script")
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"token", "token_type", "expires_at"}
    assert data["token_type"] == "Token"
    assert data["token"].startswith("idt_") and len(data["token"]) >= 4 + 43  # 32 random bytes
    expires = datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00"))
    assert data["expires_at"].endswith("Z")
    assert abs(expires - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert response["Cache-Control"] == "no-store"


def test_only_a_digest_and_a_short_prefix_are_stored(alice: Any) -> None:
    token = create().json()["token"]
    row = APIToken.objects.get()
    assert row.digest == sha256_hex(token)
    assert row.prefix == token[4:12] and token not in str(row.__dict__.values())
    assert row.display == f"idt_{token[4:12]}…"


@override_settings(IDENTITY={"ISSUER": "http://testserver", "TOKEN_LIFETIME": None})
def test_a_token_without_expiry_says_null(alice: Any) -> None:
    assert create().json()["expires_at"] is None


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "token"])
def test_the_token_authenticates_as_token_or_bearer(alice: Any, scheme: str) -> None:
    token = create().json()["token"]
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"{scheme} {token}")
    assert response.status_code == 200
    assert response.json() == {"user": "alice", "method": "token"}


def test_a_token_request_is_exempt_from_csrf(alice: Any) -> None:
    token = create().json()["token"]
    client = Client(enforce_csrf_checks=True)
    assert client.post("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}").json()["posted"] is True
    assert client.post("/plain/whoami/", HTTP_AUTHORIZATION=f"Token {token}").json()["user"] == "alice"


def test_delete_revokes_the_token(alice: Any) -> None:
    token = create().json()["token"]
    client = Client()
    assert client.delete("/api/auth/token/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 204
    response = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="identity", error="invalid_token"')
    assert APIToken.objects.get().revoke_reason == "api"


def test_delete_needs_a_token(alice: Any) -> None:
    response = Client().delete("/api/auth/token/")
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"username": "alice", "password": "wrong"}, 400, "invalid_grant"),
        ({"username": "nobody", "password": "x"}, 400, "invalid_grant"),
        ({"username": "alice", "password": None}, 400, "invalid_request"),
        ({"username": ["alice"], "password": "alice-pass"}, 400, "invalid_request"),
        ({"username": "alice", "password": "alice-pass", "name": "x" * 101}, 400, "invalid_request"),
    ],
)
def test_bad_requests_get_oauth_errors(alice: Any, body: dict[str, Any], status: int, error: str) -> None:
    response = create(**body)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert not APIToken.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"alice"'])
def test_malformed_bodies_are_invalid_requests(alice: Any, raw: str) -> None:
    response = Client().post("/api/auth/token/", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_inactive_users_get_no_token(user_factory: Any) -> None:
    user_factory("carol", "carol-pass", is_active=False)
    assert create(username="carol", password="carol-pass").json()["error"] == "invalid_grant"


def test_password_failures_are_throttled(alice: Any) -> None:
    for _ in range(5):
        assert create(username="alice", password="wrong").status_code == 400
    response = create(username="alice", password="wrong")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    "credentials",
    [
        "idt_short",
        "idt_" + "A" * 43,  # well formed, unknown
        "not-an-identity-token",
        "idt_" + "A" * 43 + "!",
    ],
)
@pytest.mark.parametrize("scheme", ["Token", "Bearer"])
def test_bad_tokens_get_a_bearer_challenge(alice: Any, credentials: str, scheme: str) -> None:
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"{scheme} {credentials}")
    assert response.status_code == 401, response.content
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge
    assert response.json()["error"] == "invalid_token"


def test_expired_tokens_are_refused(alice: Any) -> None:
    token = create().json()["token"]
    APIToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401
    assert "expired" in response["WWW-Authenticate"]


def test_last_used_is_written_at_most_once_a_minute(alice: Any, django_assert_num_queries: Any) -> None:
    token = create().json()["token"]
    client = Client()
    header = {"HTTP_AUTHORIZATION": f"Token {token}", "REMOTE_ADDR": "203.0.113.9"}
    # The token, its user (the first time this process meets them) and the last-used write.
    with django_assert_num_queries(3):
        assert client.get("/api/whoami/", **header).status_code == 200
    row = APIToken.objects.get()
    assert row.last_used_ip == "203.0.113.9" and row.last_used_at is not None
    with django_assert_num_queries(1):  # within the minute: the read only
        assert client.get("/api/whoami/", **header).status_code == 200
    APIToken.objects.update(last_used_at=datetime(2020, 1, 1, tzinfo=UTC))
    with django_assert_num_queries(2):  # the token and the write; the user is cached now
        client.get("/api/whoami/", **header)


def test_anonymous_401_lists_basic_and_bearer() -> None:
    response = Client().get("/api/whoami/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="identity", charset="UTF-8", Bearer realm="identity"'
