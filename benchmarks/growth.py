"""How the cost grows: session, opaque-token and JWT requests with 1 thousand, 100 thousand and
1 million live sessions / tokens / denylisted tokens. Each level adds rows to the same stores
(the database, Redis and each worker's denylist replica) and times the same requests again.
Also the cost of one password sign-in with Django's default hasher, the reason Basic and the
login form are throttled."""

from __future__ import annotations

import secrets
import statistics
import sys
import time
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from benchmarks.data import PASSWORD, USERNAME, Credentials
from benchmarks.environ import wsgi_call
from benchmarks.harness import Result, Scenario, run_interleaved
from benchmarks.inprocess import _cookie, floors

BATCH = 10_000


def _add_sessions(count: int, user: Any) -> None:
    from importlib import import_module

    from django.contrib.sessions.models import Session

    from identity.sessions.models import UserSession

    cache_store = import_module("django.contrib.sessions.backends.cache").SessionStore
    db_store = import_module("django.contrib.sessions.backends.db").SessionStore
    data = {"_auth_user_id": str(user.pk), "_identity_sid": "padding"}
    blob = db_store().encode(data)
    expires = timezone.now() + timedelta(days=7)
    for start in range(0, count, BATCH):
        n = min(BATCH, count - start)
        keys = [secrets.token_hex(16) for _ in range(n)]
        with transaction.atomic():
            Session.objects.bulk_create([Session(session_key=k, session_data=blob, expire_date=expires) for k in keys])
            UserSession.objects.bulk_create(
                [UserSession(user=user, sid=secrets.token_urlsafe(16), sealed_session_key="padding") for _ in keys]
            )
        store = cache_store()
        store._cache.set_many({store.cache_key_prefix + k: data for k in keys}, 7 * 86400)


def _add_tokens(count: int, user: Any) -> None:
    from identity.tokens.models import APIToken

    for start in range(0, count, BATCH):
        n = min(BATCH, count - start)
        APIToken.objects.bulk_create(
            [APIToken(user=user, name="padding", digest=secrets.token_hex(32), prefix="padding_") for _ in range(n)]
        )


def _add_denied(count: int) -> None:
    from identity.jwt import denylist

    until = time.time() + 3600
    for start in range(0, count, BATCH):
        n = min(BATCH, count - start)
        with transaction.atomic():
            denylist.deny([("jti", secrets.token_urlsafe(16), until) for _ in range(n)], reason="benchmark")


def scenarios(creds: Credentials) -> list[Scenario]:
    """Ours at each level, beside two floors timed in the same rounds: if a floor moves between
    levels, the machine (or the Redis server) changed, not our code."""
    token = creds.ours["opaque"]
    return [
        *(s for s in floors(creds) if s.key in ("bare", "redis-get")),
        Scenario(
            "session-db",
            "session (database)",
            "ours",
            "session",
            lambda: wsgi_call("/ours/", **_cookie("db", creds.sessions["db"])),
        ),
        Scenario(
            "session-cache",
            "session (Redis)",
            "ours",
            "session",
            lambda: wsgi_call("/ours/", **_cookie("cache", creds.sessions["cache"])),
        ),
        Scenario(
            "token-db",
            "opaque token (database)",
            "ours",
            "token",
            lambda: wsgi_call("/ours/", HTTP_AUTHORIZATION=f"Token {token}"),
            identity={"TOKEN_CACHE": "default"},
        ),
        Scenario(
            "token-redis",
            "opaque token (Redis-cached)",
            "ours",
            "token",
            lambda: wsgi_call("/ours/", HTTP_AUTHORIZATION=f"Token {token}"),
        ),
        Scenario(
            "jwt-RS256",
            "JWT RS256 (denylist checked)",
            "ours",
            "jwt",
            lambda: wsgi_call("/ours/", HTTP_AUTHORIZATION=f"Bearer {creds.ours['jwt-RS256']}"),
        ),
    ]


def login_cost(samples: int) -> dict[str, float]:
    """One password check with Django's default hasher (PBKDF2), the cost Basic would pay per
    request without its verdict cache, and any password guess pays."""
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import get_hasher

    times = []
    for _ in range(samples):
        start = time.perf_counter()
        authenticate(username=USERNAME, password=PASSWORD)
        times.append(time.perf_counter() - start)
    hasher = get_hasher()
    return {
        "hasher": hasher.algorithm,
        "iterations": getattr(hasher, "iterations", 0),
        "median_ms": statistics.median(times) * 1000,
        "per_core_per_second": 1 / statistics.median(times),
    }


def run(creds: Credentials, *, levels: list[int], rounds: int, batch: int) -> dict[str, Any]:
    user = creds.user
    done = 0
    table: dict[str, dict[int, Result]] = {}
    for level in levels:
        add = level - done
        sys.stderr.write(f"growth: adding {add:,} sessions, tokens and denylisted tokens (now {level:,})…\n")
        started = time.monotonic()
        _add_sessions(add, user)
        _add_tokens(add, user)
        _add_denied(add)
        sys.stderr.write(f"growth: added in {time.monotonic() - started:.0f} s\n")
        done = level
        from identity.jwt import denylist

        denylist.sync_if_due()  # the replica takes in the new entries before timing
        results = run_interleaved(
            scenarios(creds), rounds=rounds, batch=batch, warmup=30, progress_title=f"growth {level:,}"
        )
        for key, result in results.items():
            table.setdefault(key, {})[level] = result
    rows = []
    for key, by_level in table.items():
        first, last = by_level[levels[0]], by_level[levels[-1]]
        rows.append(
            {
                "key": key,
                "label": first.scenario.label,
                "kind": first.scenario.kind,
                **{f"median_us_{lvl}": round(res.median_us, 1) for lvl, res in by_level.items()},
                **{f"sql_{lvl}": res.sql_per_request for lvl, res in by_level.items()},
                "growth": round(last.median_us / first.median_us, 2),
            }
        )
    return {"levels": levels, "rows": rows}
