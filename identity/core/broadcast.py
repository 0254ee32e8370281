"""Versions every worker sees within a bounded delay: how one worker tells the others that some
shared state changed (the signing keys, say), so they reload their in-process copy of it.

A :class:`Version` is a named counter in Redis. The worker that changes the state calls
:meth:`Version.bump` once the change is committed; every worker compares :meth:`Version.current`
with the value it last loaded at (:meth:`Version.changed_since`) and reloads when they differ.
``current()`` asks Redis at most once per ``interval`` and is otherwise a clock comparison, so the
bound is the interval and an idle worker costs nothing. Why not pub/sub: a subscriber needs a
thread per worker, loses messages while disconnected and gives no bound a request can check (the
reasoning of :mod:`identity.jwt.replica`).

**Carried reads.** A sync that already makes a round trip to the same Redis at the same pace (the
denylist replica does, on the JWT hot path) reads the versions registered on that cache in its own
pipeline (:func:`carried`, :meth:`Version.read_into`, :meth:`Version.observe`), so a version costs
no round trip of its own there.

**Fallback.** A version is an accelerator, never the record. Each one has a ``fingerprint``: a cheap
read of the record it summarises (the signing keys' row count and latest timestamps, for example).
When the cache is not Redis, or Redis cannot be reached (retried every ``REDIS_RETRY_SECONDS``),
``current()`` returns the fingerprint instead, still at most once per interval: a change is then
seen within the same bound, at the cost of a query, and no bump can be lost.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import caches
from django_redis import get_redis_connection  # type: ignore[import-untyped]  # ships no type information

from identity.conf import on_reload
from identity.core.caching import is_redis

logger = logging.getLogger("identity.broadcast")

#: While Redis is unreachable it is tried again this often; the fingerprint serves meanwhile.
REDIS_RETRY_SECONDS = 5.0
#: A counter Redis lost (restart without persistence) starts again at a random point, so it
#: cannot come back to the very value a worker last saw and hide the changes in between.
_RESTART_RANGE = 2**48


class _Unread:
    """The value of a version never read: unequal to every value a reader may hold."""

    def __repr__(self) -> str:
        return "<unread>"


UNREAD: Hashable = _Unread()


def _counter(raw: Any) -> int:
    return int(raw or 0)


class Version:
    """One named version. ``alias``: the cache holding the counter (used when it is Redis);
    ``interval``: the longest a reader goes without asking; ``fingerprint``: the record's own
    summary, read when Redis is not there."""

    def __init__(self, name: str, *, alias: str | None, interval: float, fingerprint: Callable[[], Hashable]) -> None:
        self.name = name
        self.alias = alias if is_redis(alias) else None
        self.interval = float(interval)
        self.fingerprint = fingerprint
        self.value: Hashable = UNREAD
        self.checked_at = float("-inf")
        self.degraded = False  # Redis did not answer the last read: the record serves meanwhile
        self._redis_retry_at = float("-inf")
        self._lock = threading.Lock()
        #: The counter's Redis key: ``identity:<name>:version`` under the cache's KEY_PREFIX.
        self.key = str(caches[self.alias].make_key(f"identity:{name}:version")) if self.alias is not None else ""

    def __repr__(self) -> str:
        return f"<Version {self.name}={self.value!r}>"

    # --- reading -------------------------------------------------------------------------------

    def current(self) -> Hashable:
        """The version, read at most ``interval`` seconds ago."""
        if time.monotonic() - self.checked_at >= self.interval:
            return self.refresh()
        return self.value

    def changed_since(self, seen: Hashable) -> bool:
        """Whether the version differs from ``seen`` (what the caller loaded at)."""
        return self.current() != seen

    def refresh(self, force: bool = False) -> Hashable:
        """Read the version now (unless another thread just did, and not ``force``)."""
        with self._lock:
            started = time.monotonic()
            if force or started - self.checked_at >= self.interval:
                self.value = self._read(started)
                self.checked_at = started
            return self.value

    def _read(self, started: float) -> Hashable:
        if self.alias is not None and started >= self._redis_retry_at:
            try:
                value = _counter(get_redis_connection(self.alias).get(self.key))
            except Exception as exc:  # noqa: BLE001 - any Redis failure means "read the record"
                if not self.degraded:
                    logger.warning(
                        "Version %s: Redis unavailable (%s); reading the record until it is back.", self.name, exc
                    )
                self.degraded = True
                self._redis_retry_at = started + REDIS_RETRY_SECONDS  # requests must not each wait on it
            else:
                if self.degraded:
                    logger.info("Version %s: Redis is back; reading it again.", self.name)
                self.degraded = False
                return value
        # Tagged, so that it never equals a counter: moving between the two counts as a change.
        return ("record", self.fingerprint())

    # --- carried by another sync -----------------------------------------------------------------

    def read_into(self, pipe: Any) -> None:
        """Queue this version's read on ``pipe`` (a Redis pipeline of ``alias``)."""
        pipe.get(self.key)

    def observe(self, raw: Any, read_at: float) -> None:
        """Take the value a carrier read at ``read_at`` (its ``time.monotonic()`` before the round
        trip): the version then counts as read at that moment. The carrier reached Redis, so this
        version's own reads go to Redis again too (not to the record, which would read as a change)."""
        value = _counter(raw)
        with self._lock:
            if read_at >= self.checked_at:
                self.value, self.checked_at = value, read_at
            self.degraded, self._redis_retry_at = False, float("-inf")

    # --- writing -------------------------------------------------------------------------------

    def bump(self) -> None:
        """Tell every worker that the state changed. Call it once the change is committed
        (``transaction.on_commit``), so no worker reloads before it can see the change.

        The caller has applied the change in this process already: when no other bump came in
        between, this process takes the new value as read, so it does not reload a second time.
        Without Redis there is nothing to write: the fingerprint changes with the record."""
        if self.alias is None:
            return
        try:
            pipe = get_redis_connection(self.alias).pipeline(transaction=True)
            pipe.set(self.key, secrets.randbelow(_RESTART_RANGE), nx=True)
            pipe.incr(self.key)
            _created, new = pipe.execute()
        except Exception as exc:  # noqa: BLE001 - readers still see the change through its record
            logger.warning("Version %s: could not announce a change through Redis (%s).", self.name, exc)
            return
        with self._lock:
            if self.value == new - 1:
                self.value = new


# --- the versions of this process ------------------------------------------------------------

_versions: dict[str, Version] = {}


def shared(name: str, make: Callable[[], Version]) -> Version:
    """This process's version ``name``, made by ``make()`` on first use (again after a settings
    change). Registered versions are the ones :func:`carried` hands to other syncs."""
    found = _versions.get(name)
    if found is None:
        found = _versions.setdefault(name, make())  # two threads racing here keep the same one
    return found


def carried(alias: str | None) -> list[Version]:
    """The registered versions counted in Redis ``alias``: what a sync that talks to that Redis
    reads in its own round trip."""
    if alias is None:
        return []
    return [version for version in _versions.values() if version.alias == alias]


@on_reload
def _reset() -> None:
    _versions.clear()
