"""System checks of the CAS server (identity.E5xx / W5xx)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning

from identity.conf import identity_settings


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def check_cas_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    issues: list[Any] = []
    lifetime = _number(identity_settings.CAS_TICKET_LIFETIME)
    if lifetime is None or lifetime <= 0:
        issues.append(
            Error(
                f"IDENTITY['CAS_TICKET_LIFETIME'] is {identity_settings.CAS_TICKET_LIFETIME!r}; it must be a positive "
                "number of seconds.",
                hint="Leave the default (30 seconds): a browser redirect takes a few seconds at most.",
                id="identity.E501",
            )
        )
    elif lifetime > 300:
        issues.append(
            Warning(
                f"IDENTITY['CAS_TICKET_LIFETIME'] is {lifetime:g} seconds; CAS §3.1.1 recommends at most five minutes "
                "for an unvalidated ticket.",
                hint="Lower it to 300 or less (the default is 30).",
                id="identity.W501",
            )
        )
    cache = _number(identity_settings.CAS_REGISTRY_CACHE_SECONDS)
    if cache is None or cache < 0:
        issues.append(
            Error(
                "IDENTITY['CAS_REGISTRY_CACHE_SECONDS'] must be a number of seconds, 0 or more.",
                hint="0 reads the registry on every request; the default is 10.",
                id="identity.E502",
            )
        )
    timeout = _number(identity_settings.CAS_PROXY_CALLBACK_TIMEOUT)
    if timeout is None or timeout <= 0:
        issues.append(
            Error(
                "IDENTITY['CAS_PROXY_CALLBACK_TIMEOUT'] must be a positive number of seconds.",
                hint="The default is 3.",
                id="identity.E503",
            )
        )
    if identity_settings.CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK and not settings.DEBUG:
        issues.append(
            Warning(
                "IDENTITY['CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK'] is on outside DEBUG: proxy-granting tickets may "
                "be sent over plain http to this machine.",
                hint="Turn it off in production; proxy callbacks must use https (CAS §2.5.4).",
                id="identity.W502",
            )
        )
    return issues
