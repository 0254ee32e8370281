"""Every supported session store, the cache ones against the real Redis."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client, override_settings

from identity.sessions.models import EndReason, UserSession
from identity.signals import session_ended
from tests.conftest import sign_in

DB = "django.contrib.sessions.backends.db"
CACHE = "django.contrib.sessions.backends.cache"
CACHED_DB = "django.contrib.sessions.backends.cached_db"


@pytest.fixture(params=[DB, CACHE, CACHED_DB], ids=["db", "redis", "cached_db"])
def engine(request: pytest.FixtureRequest) -> Any:
    if request.param == DB:
        with override_settings(SESSION_ENGINE=DB):
            yield DB
        return
    request.getfixturevalue("redis_cache")
    with override_settings(
        SESSION_ENGINE=request.param, CACHES={**settings.CACHES, "default": settings.CACHES["redis"]}
    ):
        yield request.param


def _redis_holds(session_key: str) -> bool:
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return caches["default"].get(store.cache_key) is not None


@pytest.mark.django_db(transaction=True)
def test_sign_in_request_and_sign_out_on_each_store(engine: str, alice: Any) -> None:
    client = Client()
    sign_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    if engine != DB:
        assert _redis_holds(key), "the session must live in Redis"
    assert client.get("/api/whoami/").json() == {"user": "alice", "method": "session"}
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get("/api/whoami/").status_code == 401
    if engine != DB:
        assert not _redis_holds(key)


@pytest.mark.django_db(transaction=True)
def test_ending_from_another_browser_reaches_each_store(engine: str, alice: Any) -> None:
    laptop, phone = Client(), Client()
    sign_in(laptop)
    sign_in(phone)
    phone_key = phone.cookies[settings.SESSION_COOKIE_NAME].value
    laptop.post("/accounts/security/sign-out-everywhere/")
    assert phone.get("/api/whoami/").status_code == 401
    if engine != DB:
        assert not _redis_holds(phone_key)
    assert not UserSession.objects.live().exists()


@pytest.mark.django_db(transaction=True)
def test_expiry_noticed_by_cleanup_on_each_store(engine: str, alice: Any) -> None:
    client = Client()
    sign_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    from importlib import import_module

    import_module(engine).SessionStore(key).delete(key)  # what the store's own expiry does
    UserSession.objects.update(expires_at="2000-01-01T00:00:00Z")
    ended: list[str] = []
    session_ended.connect(receiver := lambda reason, **kw: ended.append(reason), weak=False)
    try:
        call_command("identity_clearexpired", "--quiet")
        call_command("identity_clearexpired", "--quiet")  # a second run finds nothing more to end
    finally:
        session_ended.disconnect(receiver)
    assert ended == [EndReason.EXPIRED]


@pytest.mark.django_db(transaction=True)
def test_cached_db_survives_a_redis_loss(alice: Any) -> None:
    """Redis gone (nothing listens on the port): sessions keep working from the database."""
    lost = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
    with override_settings(SESSION_ENGINE=CACHED_DB, CACHES={**settings.CACHES, "default": lost}):
        client = Client()
        sign_in(client)
        assert client.get("/api/whoami/").json()["user"] == "alice"
        client.post("/accounts/logout/")
        assert client.get("/api/whoami/").status_code == 401
