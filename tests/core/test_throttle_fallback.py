"""Password throttling while the shared throttle cache is down: never unlimited, never a 500.

"Down" is a django-redis cache pointed at a closed loopback port (nothing may listen on port 1
without root, and it lies below the ephemeral range, so a connection can never meet itself)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.basic.test_basic import basic

pytestmark = pytest.mark.django_db

IP = "198.51.100.7"
ATTEMPTS = 12
LIMIT = 5  # THROTTLE_FAILURES_PER_USERNAME_IP's default


def redis_cache(location: str, *, ignore_exceptions: bool) -> dict[str, Any]:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": ignore_exceptions,
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
        },
    }


@pytest.fixture(params=[True, False], ids=["ignore-exceptions", "raise"])
def cache_down(request: pytest.FixtureRequest) -> Iterator[bool]:
    """THROTTLE_CACHE is a django-redis cache nobody answers, with or without IGNORE_EXCEPTIONS."""
    down = redis_cache("redis://127.0.0.1:1/0", ignore_exceptions=request.param)
    with override_settings(
        CACHES={**settings.CACHES, "throttle": down},
        IDENTITY={**settings.IDENTITY, "THROTTLE_CACHE": "throttle", "BASIC_VERDICT_CACHE_SECONDS": 0},
    ):
        yield request.param


def browser() -> Client:
    # A 500 must show up as a status here, not as an exception re-raised into the test.
    return Client(raise_request_exception=False)


def form(password: str = "wrong") -> Any:
    return browser().post("/accounts/login/", {"username": "alice", "password": password}, REMOTE_ADDR=IP)


def basic_auth(password: str = "wrong") -> Any:
    return browser().get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", password), REMOTE_ADDR=IP)


def api_token(password: str = "wrong") -> Any:
    body = {"username": "alice", "password": password}
    return browser().post("/api/auth/token/", body, content_type="application/json", REMOTE_ADDR=IP)


ENDPOINTS: dict[str, tuple[Callable[..., Any], int]] = {
    "form": (form, 200),  # the form shown again with its error
    "basic": (basic_auth, 401),
    "api-token": (api_token, 400),  # invalid_grant
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_wrong_passwords_meet_429_while_the_throttle_cache_is_down(alice: Any, cache_down: bool, endpoint: str) -> None:
    attempt, refused = ENDPOINTS[endpoint]
    responses = [attempt() for _ in range(ATTEMPTS)]
    statuses = [r.status_code for r in responses]
    assert 500 not in statuses
    assert statuses == [refused] * LIMIT + [429] * (ATTEMPTS - LIMIT)
    for response in responses[LIMIT:]:
        assert int(response["Retry-After"]) >= 1
    # Still throttled with the right password: the check comes before the hasher.
    assert attempt("alice-pass").status_code == 429


def client_authentication() -> Any:
    """A token request from a client that does not exist: a failed client authentication."""
    body = "grant_type=client_credentials"
    auth = basic("nobody", "guess")
    return browser().post(
        "/oauth/token/", body, content_type="application/x-www-form-urlencoded", HTTP_AUTHORIZATION=auth, REMOTE_ADDR=IP
    )


def test_client_authentication_failures_are_throttled_while_the_throttle_cache_is_down(cache_down: bool) -> None:
    with override_settings(IDENTITY={**settings.IDENTITY, "OAUTH2_THROTTLE_CLIENT_FAILURES": 3}):
        statuses = [client_authentication().status_code for _ in range(5)]
    assert statuses == [401] * 3 + [429] * 2
