"""What the over-the-wire part sends: the same view behind each authentication, and the token
endpoints."""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.data import Credentials
from benchmarks.wire import Load

LOAD_BUILDERS: list[Callable[[Credentials], list[Load]]] = []


def builder(func: Callable[[Credentials], list[Load]]) -> Callable[[Credentials], list[Load]]:
    LOAD_BUILDERS.append(func)
    return func


def _cookie(engine: str, cookie: str) -> dict[str, str]:
    from django.conf import settings

    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "X-Bench-Session-Engine": engine}


@builder
def baseline(creds: Credentials) -> list[Load]:
    padding = "x" * len(f"Bearer {creds.ours['jwt-RS256']}")
    return [
        Load("bare", "no authentication", "floor", "bare", "/bare/", {}),
        # The same view, with a header as long as an RS256 access token's that nothing reads: what
        # the bytes alone cost gunicorn's HTTP parser and the load generator on these shared cores.
        Load("bare-padded", "no authentication, a JWT-sized header", "floor", "bare", "/bare/", {"X-Padding": padding}),
        Load("peer-bare", "no authentication (peers' middleware)", "floor", "bare", "/peer/bare/", {}),
    ]


@builder
def sessions_and_basic(creds: Credentials) -> list[Load]:
    return [
        Load(
            "session-cache", "session (Redis)", "ours", "session", "/ours/", _cookie("cache", creds.sessions["cache"])
        ),
        Load("session-db", "session (database)", "ours", "session", "/ours/", _cookie("db", creds.sessions["db"])),
        Load(
            "session-cached_db",
            "session (cached_db)",
            "ours",
            "session",
            "/ours/",
            _cookie("cached_db", creds.sessions["cached_db"]),
        ),
        Load("basic", "HTTP Basic (remembered credential)", "ours", "basic", "/ours/", {"Authorization": creds.basic}),
    ]


@builder
def tokens_and_jwts(creds: Credentials) -> list[Load]:
    return [
        Load(
            "token-redis",
            "opaque token (Redis-cached)",
            "ours",
            "token",
            "/ours/",
            {"Authorization": f"Token {creds.ours['opaque']}"},
        ),
        Load("jwt-RS256", "JWT RS256", "ours", "jwt", "/ours/", {"Authorization": f"Bearer {creds.ours['jwt-RS256']}"}),
        Load("jwt-ES256", "JWT ES256", "ours", "jwt", "/ours/", {"Authorization": f"Bearer {creds.ours['jwt-ES256']}"}),
    ]


@builder
def oauth2(creds: Credentials) -> list[Load]:
    from benchmarks.data import CLIENT_ID, client_basic

    form = "application/x-www-form-urlencoded"
    return [
        Load(
            "oauth2-jwt",
            "OAuth JWT access token",
            "ours",
            "oauth2",
            "/ours/scoped/",
            {"Authorization": f"Bearer {creds.ours['oauth2-jwt']}"},
        ),
        Load(
            "token-endpoint-cc",
            "token endpoint: client credentials",
            "ours",
            "oauth2 token",
            "/oauth/token/",
            {"Authorization": client_basic()},
            method="POST",
            body="grant_type=client_credentials",
            content_type=form,
            requests=1000,
        ),
        Load(
            "peer-dot-token-cc",
            "django-oauth-toolkit token endpoint: client credentials",
            "peer",
            "oauth2 token",
            "/peer/o/token/",
            {"Authorization": client_basic(CLIENT_ID + "-cc")},
            method="POST",
            body="grant_type=client_credentials",
            content_type=form,
            requests=40,
        ),
    ]


@builder
def peers(creds: Credentials) -> list[Load]:
    return [
        Load(
            "peer-session",
            "Django session (database) + DRF SessionAuthentication",
            "peer",
            "session",
            "/peer/session/",
            _cookie("db", creds.sessions["db"]),
        ),
        Load(
            "peer-session-cache",
            "Django session (Redis) + DRF SessionAuthentication",
            "peer",
            "session",
            "/peer/session/",
            _cookie("cache", creds.sessions["cache"]),
        ),
        Load(
            "peer-drf-basic",
            "DRF BasicAuthentication",
            "peer",
            "basic",
            "/peer/drf-basic/",
            {"Authorization": creds.basic},
            requests=40,  # PBKDF2 on every request: about 4 per second per core
        ),
        Load(
            "peer-drf-token",
            "DRF TokenAuthentication",
            "peer",
            "token",
            "/peer/drf-token/",
            {"Authorization": f"Token {creds.drf_token}"},
        ),
        Load(
            "peer-knox",
            "django-rest-knox",
            "peer",
            "token",
            "/peer/knox/",
            {"Authorization": f"Token {creds.knox_token}"},
        ),
        Load(
            "peer-simplejwt",
            "simplejwt JWTAuthentication (RS256)",
            "peer",
            "jwt",
            "/peer/simplejwt/",
            {"Authorization": f"Bearer {creds.simplejwt_access}"},
        ),
        Load(
            "peer-simplejwt-stateless",
            "simplejwt stateless (RS256)",
            "peer",
            "jwt",
            "/peer/simplejwt-stateless/",
            {"Authorization": f"Bearer {creds.simplejwt_access}"},
        ),
        Load(
            "peer-dot",
            "django-oauth-toolkit bearer",
            "peer",
            "oauth2",
            "/peer/dot/",
            {"Authorization": f"Bearer {creds.dot_token}"},
        ),
    ]


def all_loads(creds: Credentials) -> list[Load]:
    return [load for build in LOAD_BUILDERS for load in build(creds)]
