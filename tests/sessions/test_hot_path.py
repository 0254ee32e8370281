"""What an authenticated request costs: no SQL for a Redis session or a remembered Basic
credential, and still no stale user after a save on this worker."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.basic.test_basic import basic
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_sessions(redis_cache: Any) -> Any:
    with override_settings(
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        CACHES={**settings.CACHES, "default": settings.CACHES["redis"]},
    ):
        yield


def test_a_redis_session_request_runs_no_sql(alice: Any, redis_sessions: None, django_assert_num_queries: Any) -> None:
    client = Client()
    sign_in(client)
    client.get("/api/whoami/")  # warms this process's user cache
    with django_assert_num_queries(0):
        for _ in range(3):
            assert client.get("/api/whoami/").json()["user"] == "alice"


def test_a_database_session_request_runs_only_the_session_select(alice: Any, django_assert_num_queries: Any) -> None:
    client = Client()
    sign_in(client)
    client.get("/api/whoami/")
    with django_assert_num_queries(1):
        client.get("/api/whoami/")


def test_a_saved_user_is_read_again(alice: Any, redis_sessions: None) -> None:
    client = Client()
    sign_in(client)
    assert client.get("/plain/whoami/").json()["user"] == "alice"
    alice.username = "alice2"
    alice.save()
    assert client.get("/plain/whoami/").json()["user"] == "alice2"


@override_settings(IDENTITY={"USER_CACHE_SECONDS": 0})
def test_the_user_cache_can_be_switched_off(alice: Any, django_assert_num_queries: Any) -> None:
    client = Client()
    sign_in(client)
    client.get("/api/whoami/")
    with django_assert_num_queries(2):  # the session and the user
        client.get("/api/whoami/")


def test_a_remembered_basic_credential_runs_no_sql(alice: Any, django_assert_num_queries: Any) -> None:
    client = Client()
    header = basic("alice", "alice-pass")
    client.get("/api/whoami/", HTTP_AUTHORIZATION=header)
    with django_assert_num_queries(0):
        assert client.get("/api/whoami/", HTTP_AUTHORIZATION=header).json()["user"] == "alice"


def test_requests_get_their_own_user_object(alice: Any) -> None:
    from identity.core import users

    first = users.get_user(alice.pk, "django.contrib.auth.backends.ModelBackend")
    first.first_name = "changed by one request"
    second = users.get_user(alice.pk, "django.contrib.auth.backends.ModelBackend")
    assert second.first_name == "Alice"
