"""Single use under real concurrency (PostgreSQL): of several parallel exchanges of one code, or
refreshes of one refresh token, exactly one wins. Each thread is a real HTTP request to a live
server, with its own database connection."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from identity.oauth2.models import AuthorizationCode, Grant
from tests.oauth2.browser import follow_to_client, sign_in
from tests.oauth2.conftest import REDIRECT, authorize_url, pkce, query_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 8


def _race(url: str, data: dict[str, str], auth: tuple[str, str]) -> list[requests.Response]:
    barrier = threading.Barrier(RACERS)
    results: list[requests.Response] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        response = requests.post(url, data=data, auth=auth, timeout=30)
        with lock:
            results.append(response)

    threads = [threading.Thread(target=run) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def server(live_server: Any, settings: Any) -> str:
    settings.IDENTITY = {**settings.IDENTITY, "ISSUER": live_server.url, "SECURE_COOKIES": False}  # plain http
    return str(live_server.url)


def _code(server: str) -> tuple[str, str]:
    verifier, challenge = pkce()
    location = follow_to_client(
        sign_in(server), server + authorize_url(code_challenge=challenge, code_challenge_method="S256", state="s")
    )
    return query_of(location)["code"], verifier


def test_parallel_code_exchange_one_wins(server: str, app: Any, alice: Any) -> None:
    _, secret = app
    code, verifier = _code(server)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    results = _race(f"{server}/oauth/token/", data, ("example", secret))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] + [400] * (RACERS - 1), [r.text for r in results]
    assert {r.json()["error"] for r in results if r.status_code == 400} == {"invalid_grant"}
    assert AuthorizationCode.objects.get().used_at is not None
    # The losers were replays of a spent code: the winner's tokens were revoked with them.
    assert Grant.objects.count() == 1 and Grant.objects.get().revoke_reason == "code_replayed"


def test_parallel_refresh_one_wins(server: str, app: Any, alice: Any) -> None:
    _, secret = app
    code, verifier = _code(server)
    first = requests.post(
        f"{server}/oauth/token/",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier},
        auth=("example", secret),
        timeout=10,
    ).json()
    results = _race(
        f"{server}/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        ("example", secret),
    )
    assert sorted(r.status_code for r in results) == [200] + [400] * (RACERS - 1)
    assert Grant.objects.get().revoke_reason == "refresh_token_reused"
