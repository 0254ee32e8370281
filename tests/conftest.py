"""Shared fixtures. Servers: tests that need Redis use the ``redis_url`` fixture (or
``use_redis``); the PostgreSQL pass runs with IDENTITY_TEST_DB=postgres. An unreachable server
skips those tests with the reason, except when CI=true, where it fails them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client, override_settings

from identity.conf import identity_settings

# The admin-action tests' shared test methods assert there: explain their failures too.
pytest.register_assert_rewrite("tests.admin_actions")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI: a test that needs a server never passes by skipping there."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: needed servers must be reachable)", pytrace=False)
    pytest.skip(reason)


def _redis_reachable(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis at {url} is unreachable: {exc}"
    return None


def _postgres_reachable() -> str | None:
    import psycopg

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname=db.get("NAME") or "postgres",
            connect_timeout=2,
        ).close()
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL at {db.get('HOST')}:{db.get('PORT')} is unreachable: {exc}"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    problem = _postgres_reachable() if on_postgres else None
    if problem and IN_CI:
        raise pytest.UsageError(f"{problem} (CI=true: the PostgreSQL pass cannot run)")
    for item in items:
        if problem:
            item.add_marker(pytest.mark.skip(reason=problem))
        elif item.get_closest_marker("postgres") and not on_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL as the test database: runs in the PostgreSQL pass "
                    "(IDENTITY_TEST_DB=postgres; `make test` runs it)"
                )
            )


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = settings.REDIS_URL
    problem = _redis_reachable(url)
    if problem:
        unavailable(problem)
    return url


@pytest.fixture
def redis_cache(redis_url: str) -> Iterator[Any]:
    """The ``redis`` cache alias, emptied of this run's keys before and after the test."""
    cache = caches["redis"]
    cache.delete_pattern("*")
    yield cache
    cache.delete_pattern("*")


@pytest.fixture
def use_redis(redis_cache: Any) -> Iterator[Any]:
    """Throttles and the default cache on the real Redis."""
    with override_settings(
        CACHES={**settings.CACHES, "default": settings.CACHES["redis"]},
        IDENTITY={**settings.IDENTITY, "THROTTLE_CACHE": "redis"},
    ):
        yield redis_cache


@pytest.fixture(autouse=True)
def _fresh_state() -> Iterator[None]:
    """Per-process caches (throttles in LocMem, Basic verdicts) never leak between tests."""
    caches["default"].clear()
    identity_settings.reload()
    from identity.conf import _reload_hooks

    for hook in _reload_hooks:
        hook()
    yield


@pytest.fixture
def user_factory(db: None) -> Callable[..., Any]:
    def make(username: str = "alice", password: str = "alice-pass", **fields: Any) -> Any:
        user = get_user_model()(username=username, **fields)
        user.set_password(password)
        user.save()
        return user

    return make


@pytest.fixture
def alice(user_factory: Callable[..., Any]) -> Any:
    return user_factory("alice", "alice-pass", email="alice@example.com", first_name="Alice", last_name="Liddell")


@pytest.fixture
def bob(user_factory: Callable[..., Any]) -> Any:
    return user_factory("bob", "bob-pass")


def sign_in(client: Client, username: str = "alice", password: str = "alice-pass", **extra: Any) -> Any:
    response = client.post("/accounts/login/", {"username": username, "password": password}, **extra)
    assert response.status_code == 302, response.content[:500]
    return response


@pytest.fixture
def signed_in(alice: Any) -> Client:
    client = Client()
    sign_in(client)
    return client


@pytest.fixture
def receiver() -> Iterator[Any]:
    """A live HTTP server recording what is POSTed to it."""
    from tests.receiver import start_receiver

    yield from start_receiver()


CREDENTIAL_CHANGES = ["password", "deactivate", "delete"]


def change_credentials(user: Any, change: str) -> None:
    """Change ``user`` the way each ``credentials_changed`` reason comes about."""
    if change == "password":
        user.set_password("a-brand-new-password")
        user.save()
    elif change == "deactivate":
        user.is_active = False
        user.save()
    else:
        user.delete()
