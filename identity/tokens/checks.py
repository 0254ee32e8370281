"""System checks of opaque tokens (identity.E3xx / W3xx)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error

from identity.conf import identity_settings
from identity.core.checks import missing_cache


def check_tokens(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if not identity_settings.TOKENS_ENABLED:
        return []
    issues = missing_cache(
        "TOKEN_CACHE", "identity.E301", "Name a django-redis cache alias, or None to read tokens from the database."
    )
    lifetime = identity_settings.TOKEN_LIFETIME
    if lifetime is not None and (not isinstance(lifetime, int) or isinstance(lifetime, bool) or lifetime <= 0):
        issues.append(
            Error(
                f"IDENTITY['TOKEN_LIFETIME'] is {lifetime!r}.",
                hint="Seconds as a positive integer, or None for tokens that live until revoked.",
                id="identity.E302",
            )
        )
    for name in ("TOKEN_CACHE_SECONDS", "TOKEN_LAST_USED_INTERVAL", "TOKEN_HISTORY_DAYS"):
        value = getattr(identity_settings, name)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            issues.append(Error(f"IDENTITY[{name!r}] is {value!r}.", hint="A positive integer.", id="identity.E303"))
    return issues
