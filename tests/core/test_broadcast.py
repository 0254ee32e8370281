"""The version broadcaster: a bump on one worker is seen by every other within the interval, read
from Redis at most once per interval, and from the record (the fingerprint) when Redis is not
configured or not answering, so no change is ever lost."""

from __future__ import annotations

import logging
import time
from collections.abc import Hashable
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from identity.core import broadcast
from identity.core.broadcast import Version
from tests.core.test_throttle_fallback import RedisServer, own_redis, redis_cache  # noqa: F401 - a fixture

INTERVAL = 0.2


class Record:
    """What a fingerprint summarises: a value the test changes, and how often it was read."""

    def __init__(self) -> None:
        self.state = 1
        self.reads = 0

    def fingerprint(self) -> Hashable:
        self.reads += 1
        return self.state


def worker(alias: str | None, record: Record | None = None, interval: float = INTERVAL) -> Version:
    """One worker's view of the version ``demo`` (each worker process holds its own)."""
    return Version("demo", alias=alias, interval=interval, fingerprint=(record or Record()).fingerprint)


def until_changed(version: Version, seen: Hashable, timeout: float = 5.0) -> float:
    """Seconds until ``version`` differs from ``seen``, asked as busy requests would."""
    start = time.monotonic()
    while not version.changed_since(seen):
        assert time.monotonic() - start < timeout, "the change never reached the other worker"
        time.sleep(0.002)
    return time.monotonic() - start


@pytest.fixture
def on_redis(redis_cache: Any) -> str:
    """The ``redis`` alias, emptied of this run's keys around the test."""
    return "redis"


# --- with Redis ------------------------------------------------------------------------------


@pytest.mark.redis
def test_a_bump_reaches_another_worker_within_the_interval(on_redis: str) -> None:
    record = Record()
    reader, writer = worker(on_redis, record), worker(on_redis)
    seen = reader.current()
    writer.bump()
    assert until_changed(reader, seen) <= INTERVAL + 0.1
    assert record.reads == 0  # Redis answered: the record was never read


@pytest.mark.redis
def test_within_the_interval_the_version_is_not_read_again(on_redis: str) -> None:
    reader, writer = worker(on_redis, interval=3600), worker(on_redis)
    seen = reader.current()
    writer.bump()
    assert reader.current() == seen  # read less than an interval ago: a clock comparison
    assert reader.refresh(force=True) == writer.current() != seen


@pytest.mark.redis
def test_the_bumping_worker_takes_its_own_change_as_read(on_redis: str) -> None:
    mine, other = worker(on_redis, interval=3600), worker(on_redis)
    other.bump()  # the counter exists (a new one starts at random)
    seen = mine.current()
    mine.bump()
    assert mine.current() == seen + 1  # applied here already: not seen as a change
    other.bump()
    mine.bump()  # someone else's bump in between: not taken as read, so it is seen at the next read
    assert mine.current() == seen + 1
    assert mine.refresh(force=True) == seen + 3


@pytest.mark.redis
def test_a_counter_redis_lost_restarts_at_random(on_redis: str, redis_cache: Any) -> None:
    """A Redis restarted without persistence must not bring the counter back to a value a worker
    saw: the changes in between would go unnoticed."""
    reader, writer = worker(on_redis), worker(on_redis)
    for _ in range(3):
        writer.bump()
    seen = reader.refresh(force=True)
    redis_cache.delete_pattern("*")
    assert reader.refresh(force=True) == 0 != seen  # lost: seen as a change, never as "the same"
    writer.bump()
    assert reader.refresh(force=True) not in {0, 1, seen}


@pytest.mark.redis
def test_carried_reads_count_as_reads(on_redis: str) -> None:
    """A sync already talking to this Redis reads the registered versions in its own round trip."""
    registered = broadcast.shared("demo", lambda: worker(on_redis, interval=3600))
    assert broadcast.shared("demo", lambda: worker(on_redis)) is registered  # one per process
    assert broadcast.carried(on_redis) == [registered] and broadcast.carried(None) == []
    other = worker(on_redis)
    other.bump()
    seen = registered.current()
    other.bump()
    from django_redis import get_redis_connection

    pipe = get_redis_connection(on_redis).pipeline(transaction=False)
    for version in broadcast.carried(on_redis):
        version.read_into(pipe)
    read_at = time.monotonic()
    (raw,) = pipe.execute()
    registered.observe(raw, read_at)
    assert registered.current() == other.refresh(force=True) != seen
    assert registered.checked_at == read_at
    registered.observe(b"1", read_at - 1)  # an older carried read never overwrites a newer one
    assert registered.current() == other.current()


# --- without Redis ---------------------------------------------------------------------------


def test_without_redis_the_record_is_read_once_per_interval() -> None:
    record = Record()
    reader = worker("default", record)  # LocMemCache: not shared between workers
    assert reader.alias is None
    seen = reader.current()
    assert seen == ("record", 1) and record.reads == 1
    assert reader.current() == seen and record.reads == 1  # within the interval: no read
    reader.bump()  # nothing to write: the record itself changed
    record.state = 2
    assert until_changed(reader, seen) <= INTERVAL + 0.1
    assert reader.current() == ("record", 2)


@pytest.mark.redis
def test_while_redis_is_down_the_record_serves_and_redis_is_tried_again(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    server: RedisServer = request.getfixturevalue("own_redis")  # our own redis-server, stopped and started
    monkeypatch.setattr(broadcast, "REDIS_RETRY_SECONDS", 1.0)
    caplog.set_level(logging.INFO, logger="identity.broadcast")
    own = redis_cache(f"redis://127.0.0.1:{server.port}/0", ignore_exceptions=False)
    with override_settings(CACHES={**settings.CACHES, "own": own}):
        server.start()
        record = Record()
        reader, writer = worker("own", record), worker("own")
        writer.bump()
        seen = reader.current()
        assert isinstance(seen, int) and record.reads == 0

        server.stop()
        writer.bump()  # lost with Redis: only logged, and the record still tells
        record.state = 2
        assert until_changed(reader, seen) <= INTERVAL + 0.1
        assert reader.current() == ("record", 2)
        down_reads = record.reads
        time.sleep(INTERVAL)
        reader.current()  # still down: the record again, once per interval, and no new warning
        assert record.reads == down_reads + 1
        messages = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "identity.broadcast"]
        assert [level for level, _ in messages] == ["WARNING", "WARNING"]
        assert "could not announce" in messages[0][1] and "Redis unavailable" in messages[1][1]

        server.start()  # empty: a restart without persistence
        time.sleep(1.0)  # the retry delay
        assert until_changed(reader, ("record", 2)) <= INTERVAL + 0.1
        assert reader.current() == 0  # the counter again (a move between the two is a change)
        assert caplog.records[-1].levelname == "INFO" and "Redis is back" in caplog.records[-1].getMessage()


def test_a_carried_read_brings_a_version_back_from_the_record() -> None:
    """The carrier reached Redis: the version takes its counter and reads Redis again itself,
    rather than going back to the record (which would read as a change, and reload for nothing)."""
    dead = redis_cache("redis://127.0.0.1:1/0", ignore_exceptions=False)
    with override_settings(CACHES={**settings.CACHES, "dead": dead}):
        reader = worker("dead", interval=3600)
        assert reader.current() == ("record", 1) and reader.degraded
        reader.observe(b"7", time.monotonic())
        assert reader.current() == 7 and not reader.degraded
        assert reader._redis_retry_at == float("-inf")  # no wait before its own next read of Redis
