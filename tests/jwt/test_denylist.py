"""The denylist: recorded in the database, copied to Redis, and honoured by every worker's
in-process replica within DENYLIST_SYNC_INTERVAL (at once by the worker that revoked), with
no SQL per request when Redis holds the copy."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from identity.jwt import denylist, replica
from identity.jwt.models import DeniedToken
from identity.jwt.replica import Replica, issuer_replica
from tests.jwt.conftest import bearer, claims_of, obtain, whoami

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_REDIS = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


def other_worker(alias: str | None = "default", interval: float = 0.5) -> Replica:
    """A replica with its own state, as another worker process has."""
    worker = Replica(alias, database=True, interval=interval)
    worker.sync(force=True)
    return worker


def until_denied(worker: Replica, jti: str, timeout: float = 5.0) -> float:
    """Seconds until ``worker`` denies ``jti``, asking it as requests would (a busy worker)."""
    start = time.monotonic()
    while not worker.is_denied(jti, None):
        assert time.monotonic() - start < timeout, "the revocation never reached the other worker"
        time.sleep(0.005)
    return time.monotonic() - start


@pytest.mark.redis
def test_a_jwt_request_costs_no_sql_with_redis(alice: Any, use_redis: Any, django_assert_num_queries: Any) -> None:
    token = obtain()["access"]
    client = Client()
    assert client.get("/api/whoami/", **bearer(token)).status_code == 200  # warms keys and replica
    for _ in range(3):
        with django_assert_num_queries(0):
            response = client.get("/api/whoami/", **bearer(token))
        assert response.json() == {"user": "alice", "method": "jwt"}
    issuer_replica().synced_at = float("-inf")  # a sync is due: it costs a Redis round trip, no SQL
    with django_assert_num_queries(0):
        assert client.get("/api/whoami/", **bearer(token)).status_code == 200


@pytest.mark.parametrize("source", [pytest.param("redis", marks=pytest.mark.redis), "database"])
def test_revocation_reaches_every_worker_within_the_interval(alice: Any, source: str, request: Any) -> None:
    if source == "redis":
        request.getfixturevalue("use_redis")
    pair = obtain()
    jti = claims_of(pair["access"])["jti"]
    assert whoami(pair["access"]).status_code == 200
    worker = other_worker()
    assert worker.alias == ("default" if source == "redis" else None)
    assert not worker.is_denied(jti, None)
    assert Client().post("/api/auth/jwt/revoke/", {"refresh": pair["refresh"]}).status_code == 204
    assert whoami(pair["access"]).status_code == 401  # the revoking worker: at once
    delay = until_denied(worker, jti)
    interval = django_settings.IDENTITY.get("DENYLIST_SYNC_INTERVAL", 0.5)
    assert delay <= interval + 0.1, f"took {delay:.3f} s, bound {interval} s"


@pytest.mark.redis
def test_the_bound_follows_the_setting(alice: Any, use_redis: Any) -> None:
    worker = other_worker(interval=0.1)
    denylist.deny_jti("j-fast", time.time() + 60)
    assert until_denied(worker, "j-fast") <= 0.1 + 0.1


@pytest.mark.redis
def test_redis_that_lost_its_data_is_rebuilt_from_the_database(alice: Any, use_redis: Any) -> None:
    denylist.deny_jti("j-before-restart", time.time() + 120)
    denylist.deny_sid("s-before-restart", time.time() + 120)
    use_redis.delete_pattern("*")  # what a Redis restart without persistence does
    fresh = other_worker()  # a worker that starts now finds Redis empty
    assert fresh.is_denied("j-before-restart", None) and fresh.is_denied(None, "s-before-restart")
    worker = issuer_replica()
    worker.sync(force=True)
    assert worker.is_denied("j-before-restart", None)
    from django_redis import get_redis_connection

    live = get_redis_connection("default").zrange(use_redis.make_key("identity:deny:live"), 0, -1)
    assert {m.decode() for m in live} == {"jti|j-before-restart", "sid|s-before-restart"}


@pytest.mark.redis
def test_without_redis_workers_sync_from_the_database(alice: Any, use_redis: Any, settings: Any) -> None:
    pair = obtain()
    jti = claims_of(pair["access"])["jti"]
    settings.CACHES = {**settings.CACHES, "dead": DEAD_REDIS}
    stranded = other_worker("dead")
    assert stranded.degraded
    assert Client().post("/api/auth/jwt/revoke/", {"refresh": pair["refresh"]}).status_code == 204
    stranded._redis_retry_at = float("inf")
    assert until_denied(stranded, jti) <= 0.6


@pytest.mark.redis
def test_entries_redis_missed_are_pushed_when_it_is_back(alice: Any, use_redis: Any, settings: Any) -> None:
    settings.CACHES = {**settings.CACHES, "dead": DEAD_REDIS}
    writer = Replica("dead", database=True, interval=0.5)
    entry = ("jti", "j-during-outage", time.time() + 60)
    writer.publish([entry])
    assert writer.pending == [entry] and writer.is_denied("j-during-outage", None)
    assert writer.degraded  # the request above found Redis down and used the database
    writer.alias = "default"  # Redis is back...
    writer._redis_retry_at = float("-inf")  # ...and the retry delay has passed
    writer.sync(force=True)
    assert not writer.degraded
    assert writer.pending == []
    assert other_worker().is_denied("j-during-outage", None)


@pytest.mark.redis
def test_a_worker_far_behind_reloads_in_full(alice: Any, use_redis: Any, monkeypatch: Any) -> None:
    worker = other_worker()
    monkeypatch.setattr(replica, "LOG_KEEP", 2)
    for n in range(6):
        denylist.deny_jti(f"j-{n}", time.time() + 60)
    worker.sync(force=True)
    assert all(worker.is_denied(f"j-{n}", None) for n in range(6))


def test_entries_are_recorded_in_the_database_until_their_tokens_expire(alice: Any) -> None:
    denylist.deny_jti("j-1", time.time() + 60, reason="revoked")
    denylist.deny_jti("j-old", time.time() - 1)  # already expired: nothing to deny
    row = DeniedToken.objects.get()
    assert (row.kind, row.value, row.reason) == ("jti", "j-1", "revoked")
    from django.core.management import call_command

    call_command("identity_clearexpired", "--quiet")
    assert DeniedToken.objects.count() == 1
    DeniedToken.objects.update(expires_at=row.created_at)
    call_command("identity_clearexpired", "--quiet")
    assert not DeniedToken.objects.exists()


@pytest.mark.redis
def test_redis_entries_live_as_long_as_the_tokens_they_deny(alice: Any, use_redis: Any) -> None:
    from django_redis import get_redis_connection

    client = get_redis_connection("default")
    live = use_redis.make_key("identity:deny:live")
    denylist.deny_jti("j-short", time.time() + 60)
    assert 55 <= client.ttl(live) <= 61
    denylist.deny_jti("j-long", time.time() + 200)
    assert 195 <= client.ttl(live) <= 201  # the set lives as long as its longest entry
    assert client.zscore(live, "jti|j-short") == pytest.approx(time.time() + 60, abs=2)
