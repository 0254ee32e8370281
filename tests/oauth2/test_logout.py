"""Logout across clients: RP-initiated logout (exact post_logout_redirect_uri, confirmation without
a valid id_token_hint) and back-channel logout tokens queued by the session's end and POSTed to
the clients that held its tokens (a real HTTP receiver records them)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client as DjangoClient
from joserfc import jwt
from joserfc.jwk import KeySet

from identity.oauth2.models import Grant
from identity.outbox.models import OutboxMessage
from identity.sessions.models import EndReason, UserSession
from tests.conftest import sign_in
from tests.oauth2.conftest import ISSUER, basic, exchange, form_post, get_code, query_of

pytestmark = pytest.mark.django_db(transaction=True)

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


@pytest.fixture
def rp(make_client: Any, receiver: Any) -> tuple[Any, str]:
    client, secret = make_client(backchannel_logout_uri=f"{receiver.url}/backchannel")
    return client, secret


def _signed_in_with_tokens(secret: str) -> tuple[DjangoClient, dict[str, Any]]:
    browser = DjangoClient()
    sign_in(browser)
    code, verifier = get_code(browser, nonce="n")
    tokens = exchange(DjangoClient(), code, verifier, secret).json()
    return browser, tokens


def _eventually(condition: Any, timeout: float = 5.0) -> bool:
    """The outbox marks a message delivered after the receiver answered: wait for it."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return bool(condition())


def _logout_url(**params: str) -> str:
    return "/oauth/logout/?" + urlencode(params)


def _verify_logout_token(token: str, aud: str) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = KeySet.import_key_set(DjangoClient().get("/.well-known/jwks.json").json())
    decoded = jwt.decode(token, keys)
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": ISSUER}, aud={"essential": True, "value": aud}).validate(
        decoded.claims
    )
    return dict(decoded.header), dict(decoded.claims)


def test_rp_initiated_logout_with_hint_signs_out_and_notifies_back_channel(
    rp: Any, receiver: Any, alice: Any, settings: Any
) -> None:
    # Delivered by the worker, deterministically (test_a_slow_client_... covers the on-commit try).
    settings.IDENTITY = {**settings.IDENTITY, "OUTBOX_DELIVER_ON_COMMIT": False}
    _, secret = rp
    browser, tokens = _signed_in_with_tokens(secret)
    sid = UserSession.objects.get(user=alice).sid
    response = browser.get(
        _logout_url(
            id_token_hint=tokens["id_token"],
            post_logout_redirect_uri="https://app.example.com/bye",
            state="st",
        )
    )
    assert response.status_code == 302 and response["Location"] == "https://app.example.com/bye?state=st"
    assert UserSession.objects.get(sid=sid).end_reason == EndReason.LOGOUT
    assert browser.get("/plain/whoami/").json()["user"] is None
    # The grant issued from the session is revoked; its refresh token no longer works.
    assert Grant.objects.get().revoke_reason == "session_ended"
    refresh = form_post(
        DjangoClient(),
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=basic("example", secret),
    )
    assert refresh.json()["error"] == "invalid_grant"
    # ... and the client's back-channel logout URI received a logout token.
    call_command("identity_worker", "--once", "--no-cleanup")
    [delivery] = receiver.wait_for(1)
    assert delivery.path == "/backchannel" and delivery.headers["Content-Type"] == "application/x-www-form-urlencoded"
    header, claims = _verify_logout_token(delivery.form["logout_token"][0], "example")
    assert header["typ"] == "logout+jwt"
    assert claims["sid"] == sid and claims["sub"] == str(alice.pk)
    assert claims["events"] == {BACKCHANNEL_EVENT: {}}
    assert "nonce" not in claims and claims["jti"] and claims["iat"] and claims["exp"] > claims["iat"]
    assert OutboxMessage.objects.get().status == "delivered"


def test_logout_without_a_valid_hint_asks_first(rp: Any, alice: Any) -> None:
    _, secret = rp
    browser, _ = _signed_in_with_tokens(secret)
    browser_csrf = DjangoClient(enforce_csrf_checks=True)
    browser_csrf.cookies = browser.cookies
    url = _logout_url(client_id="example", post_logout_redirect_uri="https://app.example.com/bye")
    page = browser_csrf.get(url)
    assert page.status_code == 200 and b"logout-confirm" in page.content
    assert page["X-Frame-Options"] == "DENY"
    assert UserSession.objects.live().filter(user=alice).exists()
    forged = browser_csrf.post("/oauth/logout/", {"client_id": "example", "confirm": "1"})
    assert forged.status_code == 403
    confirmed = browser_csrf.post(
        "/oauth/logout/",
        {
            "client_id": "example",
            "post_logout_redirect_uri": "https://app.example.com/bye",
            "confirm": "1",
            "csrfmiddlewaretoken": page.context["csrf_token"],
        },
    )
    assert confirmed.status_code == 302 and confirmed["Location"] == "https://app.example.com/bye"
    assert not UserSession.objects.live().filter(user=alice).exists()


def test_a_forged_or_foreign_hint_is_not_trusted(rp: Any, make_client: Any, alice: Any) -> None:
    _, secret = rp
    _, other_secret = make_client(client_id="other")
    browser, tokens = _signed_in_with_tokens(secret)
    tampered = tokens["id_token"][:-4] + ("AAAA" if not tokens["id_token"].endswith("AAAA") else "BBBB")
    page = browser.get(_logout_url(id_token_hint=tampered))
    assert page.status_code == 200 and b"logout-confirm" in page.content
    # An ID token for "example" presented as if from "other": its audience is checked.
    page = browser.get(_logout_url(id_token_hint=tokens["id_token"], client_id="other"))
    assert page.status_code == 200 and b"logout-confirm" in page.content
    assert UserSession.objects.live().filter(user=alice).exists()


def test_an_expired_hint_still_identifies_the_user(rp: Any, alice: Any) -> None:
    """RP-Initiated Logout §4: the RP's ID token has usually expired by the time its user leaves."""
    from identity.jwt.tokens import sign

    browser = DjangoClient()
    sign_in(browser)
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "example", "sub": str(alice.pk), "iat": now - 900, "exp": now - 600}
    expired = sign({**claims, "jti": "j1"}, typ="JWT")
    response = browser.get(_logout_url(id_token_hint=expired, post_logout_redirect_uri="https://app.example.com/bye"))
    assert response.status_code == 302 and response["Location"] == "https://app.example.com/bye"
    assert not UserSession.objects.live().filter(user=alice).exists()
    # Not an ID token (an access token's typ), so it identifies nobody: the user is asked.
    sign_in(browser)
    access = sign({**claims, "jti": "j2", "exp": now + 60}, typ="at+jwt")
    page = browser.get(_logout_url(id_token_hint=access, client_id="example"))
    assert page.status_code == 200 and b"logout-confirm" in page.content


@pytest.mark.parametrize(
    "target",
    ["https://evil.example.com/", "https://app.example.com/bye/", "https://app.example.com/bye?x=1"],
)
def test_unregistered_post_logout_redirect_is_refused_on_our_page(rp: Any, alice: Any, target: str) -> None:
    _, secret = rp
    browser, tokens = _signed_in_with_tokens(secret)
    response = browser.get(_logout_url(id_token_hint=tokens["id_token"], post_logout_redirect_uri=target))
    assert response.status_code == 400 and "Location" not in response
    assert UserSession.objects.live().filter(user=alice).exists()
    response = browser.get(_logout_url(post_logout_redirect_uri="https://app.example.com/bye"))
    assert response.status_code == 400  # no client named: nothing to match against


def test_logout_is_idempotent(rp: Any) -> None:
    response = DjangoClient().get(
        _logout_url(client_id="example", post_logout_redirect_uri="https://app.example.com/bye", state="s")
    )
    assert response.status_code == 302 and query_of(response["Location"]) == {"state": "s"}
    assert DjangoClient().get("/oauth/logout/").status_code == 200


def test_sign_out_everywhere_notifies_every_session_and_client(
    rp: Any, make_client: Any, receiver: Any, alice: Any, settings: Any
) -> None:
    # Delivered by the worker here, one at a time (SQLite in memory locks whole tables).
    settings.IDENTITY = {**settings.IDENTITY, "OUTBOX_DELIVER_ON_COMMIT": False}
    _, secret = rp
    _, other_secret = make_client(client_id="other", backchannel_logout_uri=f"{receiver.url}/other")
    laptop, _ = _signed_in_with_tokens(secret)
    phone = DjangoClient()
    sign_in(phone)
    code, verifier = get_code(phone, "other")
    exchange(DjangoClient(), code, verifier, other_secret, client_id="other")
    make_client(client_id="silent")  # holds no tokens of these sessions: not told anything
    laptop.post("/accounts/security/sign-out-everywhere/")
    assert OutboxMessage.objects.filter(kind="oidc.backchannel_logout").count() == 2
    call_command("identity_worker", "--once", "--no-cleanup")
    deliveries = receiver.wait_for(2)
    assert sorted(d.path for d in deliveries) == ["/backchannel", "/other"]
    sids = {
        _verify_logout_token(d.form["logout_token"][0], "other" if d.path == "/other" else "example")[1]["sid"]
        for d in deliveries
    }
    assert sids == set(UserSession.objects.filter(user=alice).values_list("sid", flat=True))


def test_a_slow_client_does_not_hold_up_sign_out(rp: Any, receiver: Any, alice: Any, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "OUTBOX_TIMEOUT": 0.5}
    receiver.delay = 2.0
    _, secret = rp
    browser, tokens = _signed_in_with_tokens(secret)
    started = time.monotonic()
    browser.get(_logout_url(id_token_hint=tokens["id_token"]))
    assert time.monotonic() - started < 1.0
    receiver.wait_for(1)
    assert _eventually(lambda: OutboxMessage.objects.get().attempts == 1)
    assert OutboxMessage.objects.get().status == "pending"  # the worker retries it later
