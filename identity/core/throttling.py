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

import time
from dataclasses import dataclass

from django.core.cache import BaseCache, caches
from django.http import HttpRequest

from identity.conf import identity_settings
from identity.core.crypto import keyed_hash
from identity.core.net import client_ip
from identity.exceptions import Throttled


def _cache() -> BaseCache:
    return caches[identity_settings.THROTTLE_CACHE]


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
        self.window = int(identity_settings.THROTTLE_WINDOW)
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
        counters = self._counters()
        values = _cache().get_many([c.key for c in counters] + [self._known_key()])
        known = bool(values.get(self._known_key()))
        for counter in counters:
            if known and counter.key.startswith(f"{self.prefix}:u:"):
                continue
            if int(values.get(counter.key) or 0) >= counter.limit:
                raise Throttled(self.retry_after)

    def failure(self) -> None:
        cache = _cache()
        for counter in self._counters():
            cache.add(counter.key, 0, self.window + 1)
            try:
                cache.incr(counter.key)
            except ValueError:  # expired between add and incr
                cache.set(counter.key, 1, self.window + 1)

    def success(self) -> None:
        cache = _cache()
        cache.set(self._known_key(), 1, int(identity_settings.THROTTLE_KNOWN_CLIENT_DAYS) * 86400)
        # A correct password ends the (username, IP) pair's streak of failures.
        cache.delete(self._counters()[1].key)
