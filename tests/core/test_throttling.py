"""Password throttling: Basic and the login form, per IP, per (username, IP) and per username."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from tests.basic.test_basic import basic

pytestmark = pytest.mark.django_db

LIMITS = {
    "THROTTLE_WINDOW": 600,
    "THROTTLE_FAILURES_PER_USERNAME_IP": 3,
    "THROTTLE_FAILURES_PER_USERNAME": 6,
    "THROTTLE_FAILURES_PER_IP": 10,
    # A remembered correct credential skips the throttle (it is not a guess); these tests are
    # about guesses, so every request checks the password.
    "BASIC_VERDICT_CACHE_SECONDS": 0,
}


def get(username: str, password: str, ip: str = "198.51.100.1") -> Any:
    return Client().get("/api/whoami/", HTTP_AUTHORIZATION=basic(username, password), REMOTE_ADDR=ip)


def login(username: str, password: str, ip: str = "198.51.100.1") -> Any:
    return Client().post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture(params=["locmem", "redis"])
def throttle_cache(request: pytest.FixtureRequest) -> Any:
    identity = dict(LIMITS)
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
        identity["THROTTLE_CACHE"] = "redis"
    with override_settings(IDENTITY=identity):
        yield request.param


def test_basic_failures_are_throttled_with_retry_after(alice: Any, throttle_cache: str) -> None:
    for _ in range(3):
        assert get("alice", "wrong").status_code == 401
    response = get("alice", "wrong")
    assert response.status_code == 429
    retry = int(response["Retry-After"])
    assert 1 <= retry <= 601
    assert response.json()["error"] == "too_many_requests"
    # Even the right password waits: the check happens before any hashing.
    assert get("alice", "alice-pass").status_code == 429


def test_login_form_failures_are_throttled_with_retry_after(alice: Any, throttle_cache: str) -> None:
    for _ in range(3):
        assert login("alice", "wrong").status_code == 200
    response = login("alice", "alice-pass")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert b"Too many failed sign-in attempts" in response.content


def test_basic_and_the_form_share_the_counters(alice: Any, throttle_cache: str) -> None:
    login("alice", "wrong")
    login("alice", "wrong")
    get("alice", "wrong")
    assert get("alice", "alice-pass").status_code == 429


def test_another_client_is_not_locked_out_by_the_per_pair_limit(alice: Any, throttle_cache: str) -> None:
    for _ in range(3):
        get("alice", "wrong", ip="203.0.113.66")
    assert get("alice", "wrong", ip="203.0.113.66").status_code == 429
    assert get("alice", "alice-pass", ip="198.51.100.1").status_code == 200


def test_a_distributed_guess_hits_the_per_username_limit(alice: Any, throttle_cache: str) -> None:
    for i in range(6):
        get("alice", "wrong", ip=f"203.0.113.{i}")
    assert get("alice", "alice-pass", ip="203.0.113.200").status_code == 429


def test_the_owner_on_a_known_client_is_never_locked_out(alice: Any, throttle_cache: str) -> None:
    """An attacker failing on purpose from many IPs must not lock the owner out."""
    assert get("alice", "alice-pass", ip="198.51.100.1").status_code == 200  # the owner's usual client
    for i in range(12):
        get("alice", "wrong", ip=f"203.0.113.{i}")
    assert get("alice", "alice-pass", ip="203.0.113.250").status_code == 429  # a new client: throttled
    assert get("alice", "alice-pass", ip="198.51.100.1").status_code == 200  # the owner: still in


def test_one_client_guessing_many_usernames_hits_the_per_ip_limit(alice: Any, throttle_cache: str) -> None:
    for i in range(10):
        get(f"user{i}", "guess", ip="203.0.113.7")
    assert get("alice", "alice-pass", ip="203.0.113.7").status_code == 429
    assert get("alice", "alice-pass", ip="203.0.113.8").status_code == 200


def test_throttling_ends_with_the_window(alice: Any, monkeypatch: Any) -> None:
    import time

    from identity.core import throttling

    now = [1_000_000.0]
    monkeypatch.setattr(throttling.time, "time", lambda: now[0])
    with override_settings(IDENTITY=LIMITS):
        for _ in range(3):
            get("alice", "wrong")
        response = get("alice", "alice-pass")
        assert response.status_code == 429
        now[0] += int(response["Retry-After"])
        assert get("alice", "alice-pass").status_code == 200
    assert time.time() > 0


def test_a_successful_sign_in_clears_the_pairs_streak(alice: Any) -> None:
    with override_settings(IDENTITY=LIMITS):
        get("alice", "wrong")
        get("alice", "wrong")
        assert get("alice", "alice-pass").status_code == 200
        get("alice", "wrong")
        get("alice", "wrong")
        assert get("alice", "wrong").status_code == 401  # 2 after the reset, the third is allowed
