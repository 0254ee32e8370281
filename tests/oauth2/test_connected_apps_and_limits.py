"""The Security page's "Connected apps" (withdrawing consent revokes the client's tokens) and the
provider's abuse limits (Redis-backed throttles answering in each protocol's shape)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as DjangoClient

from identity.oauth2.models import ClientType, Consent, GrantType
from tests.conftest import sign_in
from tests.oauth2.conftest import authorize_url, basic, exchange, form_post, get_code, pkce

pytestmark = pytest.mark.django_db


def test_connected_apps_lists_and_disconnects(make_client: Any, alice: Any) -> None:
    _, secret = make_client(client_id="third", name="Third Party", trusted=False)
    browser = DjangoClient()
    sign_in(browser)
    _, challenge = pkce()
    page = browser.get(authorize_url("third", code_challenge=challenge, code_challenge_method="S256"))
    allowed = browser.post("/oauth/authorize/", {**dict(page.context["params"]), "consent_decision": "allow"})
    assert allowed.status_code == 302
    code, verifier = get_code(browser, "third")
    tokens = exchange(DjangoClient(), code, verifier, secret, client_id="third").json()
    security = browser.get("/accounts/security/")
    assert b"Third Party" in security.content and b'data-testid="connected-apps"' in security.content
    response = browser.post("/accounts/security/apps/third/disconnect/")
    assert response.status_code == 302
    assert not Consent.objects.filter(user=alice).exists()
    introspected = form_post(
        DjangoClient(),
        "/oauth/introspect/",
        {"token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=basic("third", secret),
    )
    assert introspected.json() == {"active": False}
    after = browser.get("/accounts/security/").content
    assert b"can no longer access your account" in after and b'data-client="third"' not in after
    # Next time the app must ask again.
    assert (
        browser.get(authorize_url("third", code_challenge=challenge, code_challenge_method="S256")).status_code == 200
    )


def test_disconnect_needs_post_and_a_signed_in_user(make_client: Any) -> None:
    make_client()
    assert DjangoClient().get("/accounts/security/apps/example/disconnect/").status_code == 405
    assert DjangoClient().post("/accounts/security/apps/example/disconnect/").status_code == 302  # to login


@pytest.fixture
def tight_limits(settings: Any, use_redis: Any) -> None:
    settings.IDENTITY = {
        **settings.IDENTITY,
        "THROTTLE_CACHE": "redis",
        "OAUTH2_THROTTLE_CLIENT_FAILURES": 3,
        "OAUTH2_THROTTLE_USER_CODE_FAILURES": 2,
        "OAUTH2_THROTTLE_TOKEN_REQUESTS": 5,
    }


@pytest.mark.redis
def test_failed_client_authentication_is_throttled(tight_limits: None, app: Any) -> None:
    _, secret = app
    api = DjangoClient()
    for _ in range(3):
        assert (
            form_post(
                api, "/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=basic("example", "x")
            ).status_code
            == 401
        )
    blocked = form_post(
        api, "/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=basic("example", secret)
    )
    assert blocked.status_code == 429 and blocked.json()["error"] == "slow_down"
    assert int(blocked["Retry-After"]) > 0
    assert (
        form_post(api, "/oauth/introspect/", {"token": "x"}, HTTP_AUTHORIZATION=basic("example", secret)).status_code
        == 429
    )


@pytest.mark.redis
def test_token_requests_per_client_are_throttled(tight_limits: None, app: Any) -> None:
    _, secret = app
    api = DjangoClient()
    statuses = [
        form_post(
            api,
            "/oauth/token/",
            {"grant_type": "refresh_token", "refresh_token": "x"},
            HTTP_AUTHORIZATION=basic("example", secret),
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [400] * 5 + [429]


@pytest.mark.redis
def test_wrong_user_codes_are_throttled(tight_limits: None, make_client: Any, alice: Any) -> None:
    make_client(client_id="cli", client_type=ClientType.PUBLIC, grant_types=[GrantType.DEVICE_CODE], redirect_uris="")
    browser = DjangoClient()
    sign_in(browser)
    assert browser.post("/device/", {"user_code": "BCDF-GHJK"}).status_code == 400
    assert browser.post("/device/", {"user_code": "not a code"}).status_code == 400
    blocked = browser.post("/device/", {"user_code": "BCDF-GHJK"})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0


def test_device_page_needs_a_signed_in_user(make_client: Any) -> None:
    response = DjangoClient().get("/device/?user_code=BCDF-GHJK")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_provider_can_be_switched_off(settings: Any, app: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "OAUTH2_PROVIDER": False}
    assert DjangoClient().get("/.well-known/openid-configuration").status_code == 404
    assert form_post(DjangoClient(), "/oauth/token/", {"grant_type": "client_credentials"}).status_code == 404
