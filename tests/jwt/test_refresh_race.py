"""Concurrent refreshes with one refresh token on PostgreSQL: threads released together by a
barrier, each on its own database connection; exactly one wins."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from identity.core.crypto import sha256_hex
from identity.jwt.models import RefreshToken
from tests.jwt.conftest import obtain, whoami

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def race(refresh_token: str) -> list[tuple[int, dict[str, Any], float, float]]:
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, dict[str, Any], float, float]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            client = Client()
            barrier.wait(timeout=10)
            started = time.monotonic()
            response = client.post(
                "/api/auth/jwt/refresh/", {"refresh": refresh_token}, content_type="application/json"
            )
            with lock:
                results.append((response.status_code, response.json(), started, time.monotonic()))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def test_exactly_one_concurrent_refresh_succeeds(alice: Any) -> None:
    overlapped = 0
    for _ in range(3):
        pair = obtain()
        results = race(pair["refresh"])
        statuses = sorted(status for status, *_ in results)
        assert statuses == [200] + [400] * (THREADS - 1), statuses
        assert all(body["error"] == "invalid_grant" for status, body, *_ in results if status == 400)
        # Really concurrent: every request started before the first one finished.
        overlapped += max(r[2] for r in results) < min(r[3] for r in results)
        family = RefreshToken.objects.select_related("family").get(digest=sha256_hex(pair["refresh"])).family
        # The losers presented a token that was spent by then: a replay, so the family is revoked
        # and the winner's new tokens end too (a client must not refresh one token twice at once).
        assert family.revoke_reason == "reuse"
        (winner,) = [body for status, body, *_ in results if status == 200]
        assert whoami(winner["access"]).status_code == 401
        assert RefreshToken.objects.filter(family=family, used_at__isnull=False).count() == 1
    assert overlapped >= 1
