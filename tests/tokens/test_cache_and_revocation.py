"""With Redis, a token resolves with no SQL; revocation (by the API, the Security page, the
admin, a session ending or a credential change) reaches the cache at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from identity.tokens import services
from identity.tokens.models import APIToken
from tests.conftest import CREDENTIAL_CHANGES, change_credentials, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def new_token(username: str = "alice", password: str = "alice-pass") -> str:
    response = Client().post("/api/auth/token/", {"username": username, "password": password})
    assert response.status_code == 201
    return response.json()["token"]


def whoami(token: str) -> Any:
    return Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}")


@pytest.mark.redis
def test_a_cached_token_costs_no_sql(alice: Any, use_redis: Any, django_assert_num_queries: Any) -> None:
    token = new_token()
    assert whoami(token).status_code == 200  # fills the cache (and writes last_used)
    for _ in range(3):
        with django_assert_num_queries(0):
            response = whoami(token)
        assert response.json() == {"user": "alice", "method": "token"}


@pytest.mark.redis
def test_revocation_reaches_the_cache_at_once(alice: Any, use_redis: Any, django_assert_num_queries: Any) -> None:
    token = new_token()
    assert whoami(token).status_code == 200
    assert Client().delete("/api/auth/token/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 204
    with django_assert_num_queries(0):  # the tombstone answers, not the database
        assert whoami(token).status_code == 401


@pytest.mark.redis
def test_a_read_before_the_revocation_cannot_resurrect_the_token(alice: Any, use_redis: Any) -> None:
    token = new_token()
    digest = services.sha256_hex(token)
    stale = services._resolve_from_database(digest, None, write_last_used=False)  # read just before
    services.revoke(APIToken.objects.all(), "admin")
    # The slow request now tries to cache what it read: add() never overwrites the tombstone.
    assert use_redis.add(services._entry_key(digest), (stale.id, stale.user, stale.expires_at), 60) is False
    assert whoami(token).status_code == 401


@pytest.mark.redis
def test_a_changed_user_is_read_again(alice: Any, use_redis: Any) -> None:
    token = new_token()
    assert whoami(token).json()["user"] == "alice"
    alice.username = "alice2"
    alice.save()
    assert whoami(token).json()["user"] == "alice2"


@pytest.mark.redis
def test_redis_down_falls_back_to_the_database(alice: Any, settings: Any) -> None:
    token = new_token()
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    assert whoami(token).json()["user"] == "alice"


@pytest.mark.parametrize("cached", [False, True])
def test_signing_out_ends_tokens_created_in_that_session(alice: Any, cached: bool, request: Any) -> None:
    if cached:
        request.getfixturevalue("use_redis")
    browser = Client()
    sign_in(browser)
    page = browser.post("/accounts/security/tokens/", {"name": "laptop script"})
    token = page.context["sections"][0]["new_token"]["token"]
    api_token = new_token()  # created with a password: no session
    assert whoami(token).status_code == 200
    browser.post("/accounts/logout/")
    assert whoami(token).status_code == 401
    assert whoami(api_token).status_code == 200
    assert APIToken.objects.get(name="laptop script").revoke_reason == "session_ended"


@pytest.mark.parametrize("change", CREDENTIAL_CHANGES)
def test_credential_changes_end_every_token(alice: Any, change: str, use_redis: Any) -> None:
    tokens = [new_token(), new_token()]
    assert all(whoami(t).status_code == 200 for t in tokens)
    change_credentials(alice, change)
    assert all(whoami(t).status_code == 401 for t in tokens)
    if change != "delete":
        assert set(APIToken.objects.values_list("revoke_reason", flat=True)) == {
            {"password": "password_changed", "deactivate": "user_deactivated"}[change]
        }


def test_other_users_tokens_are_untouched(alice: Any, bob: Any) -> None:
    alices, bobs = new_token(), new_token("bob", "bob-pass")
    alice.set_password("changed")
    alice.save()
    assert whoami(alices).status_code == 401
    assert whoami(bobs).json()["user"] == "bob"
