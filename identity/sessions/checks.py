"""System checks of sessions and cookies (identity.E1xx / W1xx)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning

from identity.sessions.middleware import secure_cookies

DJANGO_SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
IDENTITY_SESSION_MIDDLEWARE = "identity.sessions.middleware.SessionMiddleware"
CACHE_ENGINES = {"django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db"}


def check_session_engine(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    engine = settings.SESSION_ENGINE
    if engine == "django.contrib.sessions.backends.signed_cookies":
        return [
            Error(
                "Signed-cookie sessions cannot be ended on the server: sign-out, 'sign out everywhere' and "
                "single logout would not reach them.",
                hint="Use the db, cache (Redis) or cached_db session engine.",
                id="identity.E101",
            )
        ]
    if engine in CACHE_ENGINES:
        alias = getattr(settings, "SESSION_CACHE_ALIAS", "default")
        backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
        if not backend.startswith("django_redis."):
            short = "Redis" if engine.endswith(".cache") else "Redis-backed cached_db"
            return [
                Error(
                    f"SESSION_ENGINE is {engine!r} but the cache {alias!r} is {backend or 'not configured'}: "
                    f"a {short} session store needs django-redis.",
                    hint=f"Set CACHES[{alias!r}] to django_redis.cache.RedisCache, or use the db engine.",
                    id="identity.E102",
                )
            ]
        options = settings.CACHES.get(alias, {}).get("OPTIONS", {})
        if engine.endswith("cached_db") and not options.get("IGNORE_EXCEPTIONS"):
            return [
                Warning(
                    "cached_db sessions on django-redis without IGNORE_EXCEPTIONS: when Redis is lost, Django's "
                    "cache write after a database read raises, so every request fails instead of falling back "
                    "to the database.",
                    hint=f'Add "OPTIONS": {{"IGNORE_EXCEPTIONS": True}} to CACHES[{alias!r}].',
                    id="identity.W107",
                )
            ]
    return []


def check_cookies(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    issues: list[Any] = []
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if DJANGO_SESSION_MIDDLEWARE in middleware and not settings.SESSION_COOKIE_SECURE:
        issues.append(
            Warning(
                "Django's SessionMiddleware is installed instead of identity's, so the session cookie is not "
                "made Secure when DEBUG is off.",
                hint=f"Replace {DJANGO_SESSION_MIDDLEWARE!r} with {IDENTITY_SESSION_MIDDLEWARE!r}, "
                "or set SESSION_COOKIE_SECURE = True.",
                id="identity.W106",
            )
        )
    elif not secure_cookies() and not settings.SESSION_COOKIE_SECURE:
        issues.append(
            Warning(
                "The session and CSRF cookies are sent without the Secure flag, so they travel over plain http."
                + (" This is acceptable for local development only." if settings.DEBUG else ""),
                hint="Serve over https and leave IDENTITY['SECURE_COOKIES'] at None (Secure whenever DEBUG is off).",
                id="identity.W103",
            )
        )
    if not settings.SESSION_COOKIE_HTTPONLY:
        issues.append(
            Warning(
                "SESSION_COOKIE_HTTPONLY is False: any script on the page can read the session cookie.",
                hint="Remove the setting (Django's default is True).",
                id="identity.W104",
            )
        )
    samesite = settings.SESSION_COOKIE_SAMESITE
    if samesite not in ("Lax", "lax"):
        issues.append(
            Warning(
                f"SESSION_COOKIE_SAMESITE is {samesite!r}. 'None' sends the session on cross-site requests "
                "(CSRF exposure); 'Strict' drops it when another site sends the user back (breaks single sign-on).",
                hint="Use 'Lax' (Django's default).",
                id="identity.W105",
            )
        )
    return issues
