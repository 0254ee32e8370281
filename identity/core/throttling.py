"""Throttling of password checks (HTTP Basic and the login form).

Password hashing is slow by design (PBKDF2 at Django 5.2's default costs ~0.2 s of CPU), so
every place that checks a password counts failures in the cache (Redis in production, shared
by all workers) in fixed windows, and answers 429 with ``Retry-After`` once a limit is hit:

* per client IP: one client guessing many usernames;
* per (username, IP): one client guessing one password;
* per username, for clients that never signed in as that user: a botnet guessing one password.

A client IP that has signed in successfully as a user is remembered for
``THROTTLE_KNOWN_CLIENT_DAYS`` and is exempt from the per-username limit, so an attacker who
fails on purpose locks only themselves out, never the account's owner. Every counter expires
with its window: nobody can be locked out forever.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache import BaseCache, caches
from django.http import HttpRequest

from identity.conf import identity_settings, on_reload
from identity.core.bounded import BoundedCache
from identity.core.crypto import keyed_hash
from identity.core.net import client_ip
from identity.exceptions import Throttled

logger = logging.getLogger("identity.throttle")

# Counters the per-process fallback keeps (a few hundred bytes each: a few MB per worker at most).
# The least recently counted go first, and an attacker's own counters are the ones kept busy.
LOCAL_FALLBACK_SIZE = 10_000

# What django-redis answers with IGNORE_EXCEPTIONS when Redis cannot be reached: its ``add``,
# ``incr`` and ``delete`` return None, which no working cache does (they return a bool, an int,
# a bool). ``get``/``get_many`` answer the default / {} and cannot tell an outage from "no
# failures yet", which is why reads always add the local counts.
SILENT_FAILURE = "it answered None, as django-redis with IGNORE_EXCEPTIONS does when Redis is unreachable"


def _cache() -> BaseCache:
    return caches[identity_settings.THROTTLE_CACHE]


def _shared_incr(cache: BaseCache, key: str, timeout: int) -> bool:
    """Add one to ``key`` in the shared cache; False if the cache answered like one that is down."""
    if cache.add(key, 0, timeout) is None:
        return False
    try:
        return cache.incr(key) is not None
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return True


class ThrottleCounters:
    """Fixed-window counters in ``THROTTLE_CACHE``, with a per-process fallback.

    When the shared cache fails (it raises, or answers :data:`SILENT_FAILURE`), counts go to this
    process under the same keys, so the same limits and windows apply per worker: never unlimited,
    never a 500. Reads add the local counts to the shared ones, so failures counted during an outage
    keep counting after it. The switch either way is logged once, not once per request.
    """

    def __init__(self, size: int) -> None:
        self.local: BoundedCache[int] = BoundedCache(size)
        self.down = False
        self._lock = threading.Lock()

    def read(self, keys: list[str]) -> dict[str, int]:
        """Each key's count (0 if none). One round trip to the shared cache."""
        cache = _cache()
        if not identity_settings.THROTTLE_LOCAL_FALLBACK:
            found = cache.get_many(keys)
            return {key: int(found.get(key) or 0) for key in keys}
        try:
            found = cache.get_many(keys)
        except Exception as exc:  # noqa: BLE001 - any client error means "count locally"
            self._failed(exc)
            found = {}
        # A new dict: django-redis answers every ignored failure with one shared {} object.
        counts = {key: int(found.get(key) or 0) for key in keys}
        if len(self.local):
            for key in keys:
                counts[key] += self.local.get(key) or 0
        return counts

    def count(self, keys: list[str], timeout: int) -> None:
        """Add one to each key; a new count lives ``timeout`` seconds."""
        cache = _cache()
        if not identity_settings.THROTTLE_LOCAL_FALLBACK:
            for key in keys:
                _shared_incr(cache, key, timeout)
            return
        for i, key in enumerate(keys):
            try:
                answered = _shared_incr(cache, key, timeout)
            except Exception as exc:  # noqa: BLE001 - any client error means "count locally"
                self._failed(exc)
                answered = False
            else:
                if not answered:
                    self._failed(SILENT_FAILURE)
            if not answered:
                # One failed call is enough: the rest of this request counts here, no more waits.
                for rest in keys[i:]:
                    self.local.incr(rest, timeout)
                return
        self._answered()

    def forget(self, key: str) -> None:
        """Drop a count, wherever it was kept."""
        cache = _cache()
        if not identity_settings.THROTTLE_LOCAL_FALLBACK:
            cache.delete(key)
            return
        self.local.pop(key)
        try:
            deleted = cache.delete(key)
        except Exception as exc:  # noqa: BLE001 - the local copy is gone; the shared one expires
            self._failed(exc)
            return
        if deleted is None:
            self._failed(SILENT_FAILURE)
        else:
            self._answered()

    def remember(self, key: str, timeout: int) -> None:
        """Set a marker (1) for ``timeout`` seconds; in this process while the shared cache is down.

        ``set`` answers None from working caches too, so only a call made just before (such as
        :meth:`forget`) can have told whether the cache is down."""
        if not identity_settings.THROTTLE_LOCAL_FALLBACK:
            _cache().set(key, 1, timeout)
            return
        if not self.down:
            try:
                _cache().set(key, 1, timeout)
                return
            except Exception as exc:  # noqa: BLE001 - remembered here instead
                self._failed(exc)
        self.local.set(key, 1, timeout)

    def reset(self) -> None:
        self.local.clear()
        self.down = False

    def _failed(self, reason: object) -> None:
        if self.down:
            return
        with self._lock:
            if self.down:
                return
            self.down = True
        if isinstance(reason, Exception):
            reason = f"{reason.__class__.__name__}: {reason}"
        logger.warning(
            "Throttle cache %r is unreachable (%s): counting failures in this process until it answers again.",
            identity_settings.THROTTLE_CACHE,
            reason,
        )

    def _answered(self) -> None:
        if not self.down:
            return
        with self._lock:
            if not self.down:
                return
            self.down = False
        logger.info("Throttle cache %r answers again: counting failures there again.", identity_settings.THROTTLE_CACHE)


counters = ThrottleCounters(LOCAL_FALLBACK_SIZE)


@on_reload
def _reset() -> None:
    counters.reset()


def _user_ref(username: str) -> str:
    # Keyed so that cache keys reveal no usernames; case-folded so "Alice" and "alice" count once.
    return keyed_hash("identity.throttle.username", username.casefold())[:32]


@dataclass(frozen=True)
class _Counter:
    key: str
    limit: int


class PasswordThrottle:
    """Failure counters for one (request, username) pair."""

    prefix = "identity:thr"

    def __init__(self, request: HttpRequest, username: str) -> None:
        self.ip = client_ip(request) or "unknown"
        self.user = _user_ref(username or "")
        self.window = identity_settings.THROTTLE_WINDOW
        self.now = time.time()
        self.slot = int(self.now // self.window)

    @property
    def retry_after(self) -> int:
        return int((self.slot + 1) * self.window - self.now) + 1

    def _known_key(self) -> str:
        return f"{self.prefix}:known:{self.user}:{self.ip}"

    def _counters(self) -> list[_Counter]:
        s = identity_settings
        return [
            _Counter(f"{self.prefix}:ip:{self.ip}:{self.slot}", s.THROTTLE_FAILURES_PER_IP),
            _Counter(f"{self.prefix}:uip:{self.user}:{self.ip}:{self.slot}", s.THROTTLE_FAILURES_PER_USERNAME_IP),
            _Counter(f"{self.prefix}:u:{self.user}:{self.slot}", s.THROTTLE_FAILURES_PER_USERNAME),
        ]

    def check(self) -> None:
        """Raise :class:`Throttled` if any limit is reached. One cache round trip."""
        limits = self._counters()
        values = counters.read([c.key for c in limits] + [self._known_key()])
        known = bool(values[self._known_key()])
        for counter in limits:
            if known and counter.key.startswith(f"{self.prefix}:u:"):
                continue
            if values[counter.key] >= counter.limit:
                raise Throttled(self.retry_after)

    def failure(self) -> None:
        counters.count([c.key for c in self._counters()], self.window + 1)

    def success(self) -> None:
        # A correct password ends the (username, IP) pair's streak of failures. Forgotten first:
        # its answer tells remember() whether the shared cache is there to hold the marker.
        counters.forget(self._counters()[1].key)
        counters.remember(self._known_key(), identity_settings.THROTTLE_KNOWN_CLIENT_DAYS * 86400)
