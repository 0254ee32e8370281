"""Shared caches used as accelerators: which configured cache may hold state that every worker
must see, and calls that degrade to "no cache" when the cache server is down (the database is
the record, so a lost Redis costs speed, never correctness or availability)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches

PER_PROCESS_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}

T = TypeVar("T")
logger = logging.getLogger("identity.cache")


def shared_cache(alias: str | None) -> BaseCache | None:
    """The cache ``alias`` if every worker sees the same one (not a per-process or dummy cache)."""
    if not alias or alias not in settings.CACHES:
        return None
    if settings.CACHES[alias].get("BACKEND", "") in PER_PROCESS_BACKENDS:
        return None
    return caches[alias]


def is_redis(alias: str | None) -> bool:
    if not alias:
        return False
    return str(settings.CACHES.get(alias, {}).get("BACKEND", "")).startswith("django_redis.")


_last_warning = [float("-inf")]


def guarded(call: Callable[[], T], default: T) -> T:
    """Run a cache call; if the cache server is unreachable, return ``default`` (and say so in
    the log at most once a minute, not once per request)."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - any client error means "no cache right now"
        now = time.monotonic()
        if now - _last_warning[0] >= 60:
            _last_warning[0] = now
            logger.warning("Cache unavailable (%s): falling back to the database.", exc.__class__.__name__)
        return default
