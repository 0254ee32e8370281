"""System checks of the core (identity.E0xx / W0xx)."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning
from django.utils.module_loading import import_string

from identity.conf import DEFAULTS, RENAMED, TYPES, SettingTypeError, coerce, describe, identity_settings
from identity.core import mechanisms

IDENTITY_MIDDLEWARE = "identity.core.middleware.AuthenticationMiddleware"
DJANGO_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """The shape of ``IDENTITY``: a dict of known keys, each value of its declared type
    (:data:`identity.conf.TYPES`), no old names; then the core's own settings."""
    issues: list[Any] = []
    user_settings = getattr(settings, "IDENTITY", {})
    if not isinstance(user_settings, dict):
        return [Error("settings.IDENTITY must be a dict.", hint='IDENTITY = {"ISSUER": ...}', id="identity.E001")]
    for key in sorted(set(user_settings) - set(DEFAULTS)):
        issues.append(
            Warning(
                f"IDENTITY[{key!r}] is not an identity setting and is ignored.",
                hint="Check the spelling against the settings table in the README.",
                id="identity.W001",
            )
        )
    issues += check_types(user_settings)
    for new, old in RENAMED.items():
        if old in user_settings:
            ignored = f" It is ignored: IDENTITY[{new!r}] is set too." if new in user_settings else ""
            issues.append(
                Warning(
                    f"IDENTITY[{old!r}] is the deprecated name of IDENTITY[{new!r}].{ignored}",
                    hint=f"Rename the key to {new!r}.",
                    id="identity.W005",
                )
            )
    for path in identity_settings.AUTHENTICATORS or ():
        try:
            import_string(path)
        except ImportError as exc:
            issues.append(
                Error(
                    f"IDENTITY['AUTHENTICATORS'] names {path!r}, which cannot be imported: {exc}.",
                    hint="List dotted paths to Authenticator classes.",
                    id="identity.E002",
                )
            )
    for item in identity_settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(item, strict=False)
        except (TypeError, ValueError):
            issues.append(
                Error(
                    f"IDENTITY['TRUSTED_PROXIES'] holds {item!r}, which is not an IP address or network.",
                    hint='Use addresses or CIDR networks, e.g. ["10.0.0.0/8", "127.0.0.1"].',
                    id="identity.E003",
                )
            )
    issues += check_request_limits()
    return issues


def check_request_limits() -> list[Any]:
    """identity.E006: the request-parsing limits (:mod:`identity.core.parsing`) in their range: a
    body limit too small for a SAML request, or a JSON depth past what the recursive parser
    survives, would break endpoints instead of protecting them."""
    issues: list[Any] = []
    if identity_settings.REQUEST_MAX_BYTES < 16384:
        issues.append(
            Error(
                f"IDENTITY['REQUEST_MAX_BYTES'] is {identity_settings.REQUEST_MAX_BYTES}: it must be at least 16384.",
                hint="The default is 65536 bytes.",
                id="identity.E006",
            )
        )
    if not 2 <= identity_settings.REQUEST_JSON_MAX_DEPTH <= 200:
        issues.append(
            Error(
                f"IDENTITY['REQUEST_JSON_MAX_DEPTH'] is {identity_settings.REQUEST_JSON_MAX_DEPTH}: "
                "it must be from 2 to 200.",
                hint="The default is 32.",
                id="identity.E006",
            )
        )
    return issues


def check_types(user_settings: dict[str, Any]) -> list[Any]:
    """identity.E004 for each value that cannot be read as its declared type. Reading it never
    fails (the default is used instead, and logged), so this check is where the mistake shows."""
    issues: list[Any] = []
    for key in sorted(set(user_settings) & set(TYPES)):
        try:
            coerce(key, user_settings[key])
        except SettingTypeError as exc:
            issues.append(
                Error(
                    str(exc),
                    hint=f"Give {describe(TYPES[key])}. Until then the default, {DEFAULTS[key]!r}, is used.",
                    id="identity.E004",
                )
            )
    return issues


def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if IDENTITY_MIDDLEWARE in middleware:
        if DJANGO_MIDDLEWARE in middleware:
            return [
                Warning(
                    "Both Django's and identity's AuthenticationMiddleware are installed.",
                    hint=f"Keep only {IDENTITY_MIDDLEWARE!r}; it replaces Django's.",
                    id="identity.W002",
                )
            ]
        return []
    return [
        Warning(
            "identity's AuthenticationMiddleware is not installed: plain views will only see session users, "
            "and bad Authorization headers will not be answered with a challenge.",
            hint=f"Replace {DJANGO_MIDDLEWARE!r} with {IDENTITY_MIDDLEWARE!r} in MIDDLEWARE.",
            id="identity.W003",
        )
    ]


def missing_cache(setting: str, check_id: str, hint: str) -> list[Any]:
    """An error if ``IDENTITY[setting]`` names a cache alias that is not in CACHES."""
    alias = getattr(identity_settings, setting)
    if alias and alias not in settings.CACHES:
        return [Error(f"IDENTITY[{setting!r}] is {alias!r}, which is not in CACHES.", hint=hint, id=check_id)]
    return []


def check_throttle_fallback(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """Throttling that would silently stop: django-redis hides a lost Redis under IGNORE_EXCEPTIONS
    (every count answers None) and nothing counts in its place."""
    alias = identity_settings.THROTTLE_CACHE
    config = settings.CACHES.get(alias) if isinstance(alias, str) else None
    if identity_settings.THROTTLE_LOCAL_FALLBACK or not isinstance(config, dict):
        return []  # a missing alias is identity.E201's to report
    if not str(config.get("BACKEND", "")).startswith("django_redis."):
        return []
    # django-redis's own precedence: the cache's OPTIONS, then the global setting.
    options = config.get("OPTIONS")
    ignore = getattr(settings, "DJANGO_REDIS_IGNORE_EXCEPTIONS", False)
    if isinstance(options, dict):
        ignore = options.get("IGNORE_EXCEPTIONS", ignore)
    if not ignore:
        return []
    return [
        Warning(
            f"Password throttling counts failures in CACHES[{alias!r}], which ignores Redis errors "
            "(IGNORE_EXCEPTIONS), and IDENTITY['THROTTLE_LOCAL_FALLBACK'] is off: while Redis is unreachable "
            "no failure is counted and throttling silently stops.",
            hint="Set IDENTITY['THROTTLE_LOCAL_FALLBACK'] = True: failures are then counted per process while "
            "Redis is down.",
            id="identity.W004",
        )
    ]


def check_mechanisms(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """Each enabled mechanism's ``requires`` are enabled too (identity.E005)."""
    return [
        Error(
            f"The mechanism {package!r} ({manifest.label}) needs {required!r}, which is not in IDENTITY['MECHANISMS'].",
            hint=f"Add {required!r} to IDENTITY['MECHANISMS'], or remove {package!r}.",
            id="identity.E005",
        )
        for package, manifest, required in mechanisms.missing_requirements()
    ]


def check_realm(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """The realm of every challenge, Basic's and Bearer's (``REALM``, or the deprecated
    ``BASIC_REALM`` while ``REALM`` is not set). A core check, since every mechanism's challenge
    carries it; its id (E203) is the one it had when only Basic used it."""
    realm = identity_settings.REALM
    if not realm or not realm.isprintable():
        return [
            Error(
                f"The realm of identity's challenges is {realm!r}: IDENTITY['REALM'] must be a non-empty "
                "printable string.",
                hint='For example "My API".',
                id="identity.E203",
            )
        ]
    return []
