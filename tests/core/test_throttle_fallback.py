"""Password throttling while the shared throttle cache is down: never unlimited, never a 500.

"Down" is a django-redis cache pointed at a closed loopback port (nothing may listen on port 1
without root, and it lies below the ephemeral range, so a connection can never meet itself)."""

from __future__ import annotations

import logging
import random
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client, override_settings

from identity.core import throttling
from identity.core.bounded import BoundedCache
from tests.basic.test_basic import basic
from tests.conftest import unavailable

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


def throttle_records(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "identity.throttle"]


def test_the_fallback_is_logged_once(alice: Any, cache_down: bool, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="identity.throttle")
    for attempt, _ in ENDPOINTS.values():
        for _ in range(4):
            attempt()
    records = throttle_records(caplog)
    assert len(records) == 1, records
    level, message = records[0]
    assert level == "WARNING"
    assert "'throttle' is unreachable" in message and "counting failures in this process" in message


def test_an_owner_who_signs_in_during_the_outage_stays_exempt(alice: Any, cache_down: bool) -> None:
    """The known-client marker is kept in process too: failing on purpose from many IPs still
    locks out only the attacker."""
    assert basic_auth("alice-pass").status_code == 200  # from IP: the owner's usual client
    for i in range(25):
        browser().get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "wrong"), REMOTE_ADDR=f"203.0.113.{i}")
    stranger = browser().get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "alice-pass"), REMOTE_ADDR="192.0.2.1")
    assert stranger.status_code == 429  # THROTTLE_FAILURES_PER_USERNAME (20) reached
    assert basic_auth("alice-pass").status_code == 200


def test_a_correct_password_ends_the_streak_during_the_outage(alice: Any, cache_down: bool) -> None:
    for _ in range(LIMIT - 1):
        assert basic_auth().status_code == 401
    assert basic_auth("alice-pass").status_code == 200
    assert [basic_auth().status_code for _ in range(LIMIT)] == [401] * LIMIT


def test_without_the_fallback_a_down_cache_still_fails_as_before(alice: Any, cache_down: bool) -> None:
    """THROTTLE_LOCAL_FALLBACK off: the old behaviour, which identity.W004 warns about."""
    with override_settings(IDENTITY={**settings.IDENTITY, "THROTTLE_LOCAL_FALLBACK": False}):
        statuses = {basic_auth().status_code for _ in range(ATTEMPTS)}
    assert statuses == ({401} if cache_down else {500})


def test_local_counts_keep_their_window_and_stay_bounded() -> None:
    local: BoundedCache[int] = BoundedCache(3)
    assert [local.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    expires = local._data["a"][0]
    local.incr("a", 600)
    assert local._data["a"][0] == expires  # a hit never stretches the window
    for key in "bcd":
        local.incr(key, 60)
    assert len(local) == 3 and local.get("a") is None  # the least recently counted went first
    local.incr("e", -1)
    assert local.get("e") is None  # expired at once: counted afresh
    assert local.incr("e", 60) == 1


def test_local_counts_are_exact_under_threads() -> None:
    local: BoundedCache[int] = BoundedCache(10)

    def hit() -> None:
        for _ in range(1000):
            local.incr("k", 60)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert local.get("k") == 8000


# --- the shared cache answering again: our own redis-server, stopped and started -------------


def free_port() -> int:
    """A free loopback port below the ephemeral range: a connection to it while nothing listens
    is refused, never connected to itself."""
    for port in random.sample(range(20_000, 32_000), 50):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


class RedisServer:
    """A throwaway redis-server on loopback (no persistence), started and stopped by the test."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary, self.port = binary, port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + 5
        while True:
            try:
                self.client().ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(5)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.2)


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed (needed to stop and restart a Redis of the test's own)")
    server = RedisServer(str(binary), free_port())
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.redis
@pytest.mark.parametrize("ignore_exceptions", [True, False], ids=["ignore-exceptions", "raise"])
def test_the_shared_cache_is_used_again_once_it_answers(
    alice: Any, own_redis: RedisServer, ignore_exceptions: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="identity.throttle")
    throttle = redis_cache(f"redis://127.0.0.1:{own_redis.port}/0", ignore_exceptions=ignore_exceptions)
    identity = {**settings.IDENTITY, "THROTTLE_CACHE": "throttle", "THROTTLE_FAILURES_PER_USERNAME_IP": 3}
    with override_settings(CACHES={**settings.CACHES, "throttle": throttle}, IDENTITY=identity):
        own_redis.start()
        assert basic_auth().status_code == 401
        assert len(own_redis.client().keys("*")) == 3  # per IP, per (username, IP), per username
        assert throttle_records(caplog) == []

        own_redis.stop()  # a restart without persistence: what was counted there is lost
        assert [basic_auth().status_code for _ in range(2)] == [401, 401]
        assert [level for level, _ in throttle_records(caplog)] == ["WARNING"]
        assert throttling.counters.down

        own_redis.start()
        assert basic_auth().status_code == 401  # 2 counted here + 0 there: still allowed
        assert [level for level, _ in throttle_records(caplog)] == ["WARNING", "INFO"]
        assert not throttling.counters.down
        assert len(own_redis.client().keys("*")) == 3  # counted in Redis again
        # 2 counted here during the outage + 1 there since: the limit of 3 is reached.
        assert basic_auth().status_code == 429
