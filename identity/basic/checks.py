"""System checks of HTTP Basic and password throttling (identity.E2xx / W2xx)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning

from identity.conf import identity_settings

PER_PROCESS_CACHES = {"django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"}


def check_throttle_cache(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    alias = identity_settings.THROTTLE_CACHE
    if alias not in settings.CACHES:
        return [
            Error(
                f"IDENTITY['THROTTLE_CACHE'] is {alias!r}, which is not in CACHES.",
                hint="Name a cache alias from CACHES (a Redis cache in production).",
                id="identity.E201",
            )
        ]
    backend = settings.CACHES[alias].get("BACKEND", "")
    if backend == "django.core.cache.backends.dummy.DummyCache":
        return [
            Error(
                "Password throttling uses a DummyCache, which remembers nothing: failures are never counted.",
                hint="Point IDENTITY['THROTTLE_CACHE'] at a real cache.",
                id="identity.E202",
            )
        ]
    if backend in PER_PROCESS_CACHES and not settings.DEBUG:
        return [
            Warning(
                "Password throttling counts failures in a per-process cache: with several workers an attacker "
                "gets each worker's allowance.",
                hint="Use a shared cache (django-redis) for IDENTITY['THROTTLE_CACHE'].",
                id="identity.W201",
            )
        ]
    return []
