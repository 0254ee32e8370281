"""Every system check ID fires on the misconfiguration it names, and only then."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

REDIS_CACHE = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def ids(**overrides: Any) -> set[str]:
    with override_settings(**overrides):
        return {
            m.id
            for m in run_checks(include_deployment_checks=False)
            if m.id and m.id.startswith("identity.") and not m.is_silenced()
        }


def test_the_test_settings_are_clean() -> None:
    assert ids() == set()
    call_command("check", "--fail-level", "WARNING")


def test_unknown_identity_key_warns() -> None:
    assert "identity.W001" in ids(IDENTITY={"BASIC_RELAM": "typo"})


def test_identity_must_be_a_dict() -> None:
    assert ids(IDENTITY=["nope"]) == {"identity.E001"}


def test_authenticators_must_import() -> None:
    assert "identity.E002" in ids(IDENTITY={"AUTHENTICATORS": ["identity.nowhere.Nothing"]})


def test_trusted_proxies_must_be_addresses() -> None:
    assert "identity.E003" in ids(IDENTITY={"TRUSTED_PROXIES": ["10.0.0.0/8", "proxy.example.com"]})


def test_both_authentication_middlewares_warn() -> None:
    middleware = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.AuthenticationMiddleware"]
    assert "identity.W002" in ids(MIDDLEWARE=middleware)


def test_missing_identity_middleware_warns() -> None:
    middleware = [
        "django.contrib.auth.middleware.AuthenticationMiddleware" if m.startswith("identity.core") else m
        for m in settings.MIDDLEWARE
    ]
    assert "identity.W003" in ids(MIDDLEWARE=middleware)


def test_signed_cookie_sessions_are_refused() -> None:
    assert "identity.E101" in ids(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")


@pytest.mark.parametrize("engine", ["cache", "cached_db"])
def test_cache_sessions_need_django_redis(engine: str) -> None:
    full = f"django.contrib.sessions.backends.{engine}"
    assert "identity.E102" in ids(SESSION_ENGINE=full, CACHES={"default": LOCMEM})
    assert "identity.E102" not in ids(SESSION_ENGINE=full, CACHES={"default": REDIS_CACHE})


def test_cookies_without_secure_warn() -> None:
    assert "identity.W103" in ids(DEBUG=True)
    assert "identity.W103" in ids(IDENTITY={"SECURE_COOKIES": False})
    assert "identity.W103" not in ids(DEBUG=False)  # identity adds Secure by itself
    assert "identity.W103" not in ids(DEBUG=True, SESSION_COOKIE_SECURE=True)


def test_httponly_off_warns() -> None:
    assert "identity.W104" in ids(SESSION_COOKIE_HTTPONLY=False)


@pytest.mark.parametrize("samesite", ["None", "Strict", None])
def test_samesite_other_than_lax_warns(samesite: str | None) -> None:
    assert "identity.W105" in ids(SESSION_COOKIE_SAMESITE=samesite)


def test_djangos_session_middleware_warns() -> None:
    middleware = [
        "django.contrib.sessions.middleware.SessionMiddleware" if m.startswith("identity.sessions") else m
        for m in settings.MIDDLEWARE
    ]
    assert "identity.W106" in ids(MIDDLEWARE=middleware)
    assert "identity.W106" not in ids(MIDDLEWARE=middleware, SESSION_COOKIE_SECURE=True)


def test_throttle_cache_must_exist() -> None:
    assert "identity.E201" in ids(IDENTITY={"THROTTLE_CACHE": "nope"})


def test_dummy_throttle_cache_is_an_error() -> None:
    caches = {**settings.CACHES, "dummy": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert "identity.E202" in ids(CACHES=caches, IDENTITY={"THROTTLE_CACHE": "dummy"})


def test_per_process_throttle_cache_warns_in_production() -> None:
    with override_settings(SILENCED_SYSTEM_CHECKS=[]):
        assert "identity.W201" in ids(DEBUG=False)
        assert "identity.W201" not in ids(DEBUG=False, IDENTITY={"THROTTLE_CACHE": "redis"})


def test_throttle_cache_ignoring_errors_without_the_fallback_warns() -> None:
    tolerant = {**settings.CACHES, "throttle": {**REDIS_CACHE, "OPTIONS": {"IGNORE_EXCEPTIONS": True}}}
    off = {"THROTTLE_CACHE": "throttle", "THROTTLE_LOCAL_FALLBACK": False}
    assert "identity.W004" in ids(CACHES=tolerant, IDENTITY=off)
    assert "identity.W004" not in ids(CACHES=tolerant, IDENTITY={**off, "THROTTLE_LOCAL_FALLBACK": True})
    strict = {**settings.CACHES, "throttle": REDIS_CACHE}
    assert "identity.W004" not in ids(CACHES=strict, IDENTITY=off)  # a down Redis is a 500, not silence
    # django-redis's global setting counts too, unless the cache's OPTIONS say otherwise.
    assert "identity.W004" in ids(CACHES=strict, IDENTITY=off, DJANGO_REDIS_IGNORE_EXCEPTIONS=True)
    explicit = {**settings.CACHES, "throttle": {**REDIS_CACHE, "OPTIONS": {"IGNORE_EXCEPTIONS": False}}}
    assert "identity.W004" not in ids(CACHES=explicit, IDENTITY=off, DJANGO_REDIS_IGNORE_EXCEPTIONS=True)


def test_the_throttle_fallback_check_is_registered_with_manage_py_check() -> None:
    tolerant = {**settings.CACHES, "throttle": {**REDIS_CACHE, "OPTIONS": {"IGNORE_EXCEPTIONS": True}}}
    identity = {**settings.IDENTITY, "THROTTLE_CACHE": "throttle", "THROTTLE_LOCAL_FALLBACK": False}
    with override_settings(CACHES=tolerant, IDENTITY=identity), pytest.raises(SystemCheckError, match="identity.W004"):
        call_command("check", "--fail-level", "WARNING")


def test_realm_must_be_printable() -> None:
    assert "identity.E203" in ids(IDENTITY={"REALM": "bad\nrealm"})
    assert "identity.E203" in ids(IDENTITY={"REALM": ""})
    assert "identity.E203" in ids(IDENTITY={"BASIC_REALM": ""})  # the old name, still read


def test_cached_db_on_redis_without_ignore_exceptions_warns() -> None:
    engine = "django.contrib.sessions.backends.cached_db"
    assert "identity.W107" in ids(SESSION_ENGINE=engine, CACHES={"default": REDIS_CACHE})
    tolerant = {**REDIS_CACHE, "OPTIONS": {"IGNORE_EXCEPTIONS": True}}
    assert "identity.W107" not in ids(SESSION_ENGINE=engine, CACHES={"default": tolerant})
