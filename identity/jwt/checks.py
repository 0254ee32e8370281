"""System checks of JWTs, the denylist and remote verification (identity.E4xx / W4xx)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning
from django.core.exceptions import ImproperlyConfigured

from identity.conf import identity_settings
from identity.core.caching import is_redis
from identity.core.checks import missing_cache
from identity.core.jose.algorithms import ASYMMETRIC
from identity.jwt.keys import SUPPORTED
from identity.jwt.tokens import MAX_ACCESS_LIFETIME


def _is_origin(value: Any) -> bool:
    """An absolute http(s) URL with no trailing slash, query or fragment (OIDC Core §2 issuer)."""
    if not isinstance(value, str) or value.endswith("/"):
        return False
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and not parts.query and not parts.fragment


def _positive(name: str) -> bool:
    value = getattr(identity_settings, name)
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def check_jwt(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    s = identity_settings
    if not s.JWT_ENABLED or not isinstance(getattr(settings, "IDENTITY", {}), dict):
        return []  # a malformed IDENTITY is identity.E001's to report
    issues: list[Any] = []
    if not _is_origin(s.ISSUER):
        issues.append(
            Error(
                f"IDENTITY['ISSUER'] is {s.ISSUER!r}; JWTs need this site's issuer identifier.",
                hint='Set it to the site\'s base URL without a trailing slash, e.g. "https://id.example.com" '
                "(or set JWT_ENABLED to False).",
                id="identity.E401",
            )
        )
    if s.JWT_ALGORITHM not in SUPPORTED:
        issues.append(
            Error(
                f"IDENTITY['JWT_ALGORITHM'] is {s.JWT_ALGORITHM!r}.",
                hint=f"Use one of {', '.join(SUPPORTED)} (RS256 verifies fastest; see the README).",
                id="identity.E402",
            )
        )
    elif s.JWT_ALGORITHM == "HS256":
        issues.append(
            Warning(
                "JWTs are signed with HS256, a shared secret: no other service can verify them (the JWK Set "
                "publishes no HMAC key), and the secret must never leave this site.",
                hint="Use HS256 only when this site alone verifies its tokens; otherwise RS256, ES256 or EdDSA.",
                id="identity.W403",
            )
        )
    lifetime = s.JWT_ACCESS_LIFETIME
    if not isinstance(lifetime, int) or isinstance(lifetime, bool) or not 0 < lifetime <= MAX_ACCESS_LIFETIME:
        issues.append(
            Error(
                f"IDENTITY['JWT_ACCESS_LIFETIME'] is {lifetime!r}.",
                hint=f"Seconds from 1 to {MAX_ACCESS_LIFETIME}: access tokens stay short, refresh tokens renew them.",
                id="identity.E404",
            )
        )
    leeway = s.JWT_LEEWAY
    if not isinstance(leeway, int | float) or isinstance(leeway, bool) or not 0 <= leeway <= 30:
        issues.append(
            Error(f"IDENTITY['JWT_LEEWAY'] is {leeway!r}.", hint="Seconds from 0 to 30 (RFC 8725).", id="identity.E405")
        )
    try:
        unset = not s.JWT_KEY_ENCRYPTION_KEYS
    except ImproperlyConfigured:
        unset = False  # set, but not a list: identity.E004 says so
    if unset and not settings.DEBUG:
        issues.append(
            Warning(
                "Private signing keys are encrypted with a key derived from SECRET_KEY: rotating SECRET_KEY without "
                "SECRET_KEY_FALLBACKS makes them unreadable, and anyone with SECRET_KEY and the database has them.",
                hint="Set IDENTITY['JWT_KEY_ENCRYPTION_KEYS'] to a list holding a long random secret kept apart "
                "from SECRET_KEY.",
                id="identity.W406",
            )
        )
    for name in ("JWT_REFRESH_LIFETIME", "JWT_JWKS_MAX_AGE"):
        if not _positive(name):
            issues.append(Error(f"IDENTITY[{name!r}] must be a positive number.", id="identity.E407"))
    if s.JWT_USER not in {"token", "database"} and not (isinstance(s.JWT_USER, str) and "." in s.JWT_USER):
        issues.append(
            Error(
                f"IDENTITY['JWT_USER'] is {s.JWT_USER!r}.",
                hint='"token", "database", or the dotted path of a callable (claims) -> user.',
                id="identity.E408",
            )
        )
    if s.JWT_COOKIE and s.JWT_COOKIE_SAMESITE not in {"Strict", "Lax"}:
        issues.append(
            Error(
                f"IDENTITY['JWT_COOKIE_SAMESITE'] is {s.JWT_COOKIE_SAMESITE!r}: the access cookie would travel on "
                "cross-site requests.",
                hint='Use "Strict" (the default) or "Lax".',
                id="identity.E409",
            )
        )
    return issues


def check_denylist(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    s = identity_settings
    issues = missing_cache(
        "DENYLIST_CACHE",
        "identity.E410",
        "Name a django-redis cache alias (or None to sync workers from the database).",
    )
    interval = s.DENYLIST_SYNC_INTERVAL
    if not isinstance(interval, int | float) or isinstance(interval, bool) or not 0 < interval <= 60:
        issues.append(
            Error(
                f"IDENTITY['DENYLIST_SYNC_INTERVAL'] is {interval!r}.",
                hint="Seconds, more than 0 and at most 60: the delay within which a revocation reaches every worker.",
                id="identity.E411",
            )
        )
    if s.REMOTE_JWT_ISSUER and s.REMOTE_JWT_DENYLIST and not is_redis(s.DENYLIST_CACHE):
        issues.append(
            Error(
                "REMOTE_JWT_DENYLIST is on but DENYLIST_CACHE is not a django-redis cache.",
                hint="Point DENYLIST_CACHE at the issuer's Redis (same LOCATION and KEY_PREFIX).",
                id="identity.E412",
            )
        )
    return issues


def check_remote(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    s = identity_settings
    if not s.REMOTE_JWT_ISSUER:
        return []
    issues: list[Any] = []
    if not _is_origin(s.REMOTE_JWT_ISSUER):
        issues.append(
            Error(
                f"IDENTITY['REMOTE_JWT_ISSUER'] is {s.REMOTE_JWT_ISSUER!r}.",
                hint="The issuer's base URL exactly as its tokens carry it in iss, without a trailing slash.",
                id="identity.E413",
            )
        )
    if not isinstance(s.REMOTE_JWT_AUDIENCE, str) or not s.REMOTE_JWT_AUDIENCE:
        issues.append(
            Error(
                "IDENTITY['REMOTE_JWT_AUDIENCE'] is not set: tokens meant for other services would be accepted.",
                hint='The audience this service requires in aud, e.g. "orders-api".',
                id="identity.E414",
            )
        )
    algorithms = s.REMOTE_JWT_ALGORITHMS
    if not algorithms or any(a not in ASYMMETRIC for a in algorithms):
        issues.append(
            Error(
                f"IDENTITY['REMOTE_JWT_ALGORITHMS'] is {algorithms!r}.",
                hint=f"A non-empty list drawn from {', '.join(sorted(ASYMMETRIC))}: a published key is no HMAC key.",
                id="identity.E415",
            )
        )
    if s.JWT_ENABLED:
        issues.append(
            Error(
                "This site both issues JWTs (JWT_ENABLED) and accepts another issuer's (REMOTE_JWT_ISSUER).",
                hint="A service that verifies another issuer's tokens sets JWT_ENABLED to False.",
                id="identity.E416",
            )
        )
    url = s.REMOTE_JWT_JWKS_URL or f"{s.REMOTE_JWT_ISSUER}/.well-known/jwks.json"
    if urlsplit(str(url)).scheme != "https" and not settings.DEBUG:
        issues.append(
            Warning(
                f"The JWK Set is fetched over plain http ({url}): whoever sits on the path can substitute keys.",
                hint="Serve the issuer over https.",
                id="identity.W417",
            )
        )
    return issues
