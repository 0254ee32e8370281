"""The authorization endpoint: every error before the client and redirect URI are known good is
shown on our page (never redirected); later errors go back with state and iss; prompt, max_age
and consent are honoured; the pages cannot be framed."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client as DjangoClient

from identity.oauth2.models import AuthorizationCode, ClientType, Consent, Grant
from identity.sessions.models import UserSession
from tests.conftest import sign_in
from tests.oauth2.conftest import ISSUER, REDIRECT, authorize_url, get_code, pkce, query_of

pytestmark = pytest.mark.django_db


def _pkce_params() -> dict[str, str]:
    _, challenge = pkce()
    return {"code_challenge": challenge, "code_challenge_method": "S256", "state": "xyz"}


@pytest.fixture
def browser(alice: Any) -> DjangoClient:
    client = DjangoClient()
    sign_in(client)
    return client


def _assert_not_redirected(response: Any) -> None:
    assert response.status_code == 400
    assert "Location" not in response
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "params",
    [
        {"client_id": "nobody"},
        {"client_id": ""},
        {"redirect_uri": "https://evil.example.com/cb"},
        {"redirect_uri": REDIRECT + "/"},
        {"redirect_uri": REDIRECT + "?next=evil"},
        {"redirect_uri": "https://app.example.com/CB"},
        {"redirect_uri": None},
    ],
)
def test_bad_client_or_redirect_uri_is_shown_here_never_redirected(
    browser: DjangoClient, app: Any, params: Any
) -> None:
    values = {**_pkce_params(), "prompt": "none"}
    client_id = params.pop("client_id", "example")
    response = browser.get(authorize_url(client_id, **values, **params))
    _assert_not_redirected(response)
    assert b"oauth-error" in response.content


def test_duplicate_parameters_are_refused_on_our_page(browser: DjangoClient, app: Any) -> None:
    response = browser.get(authorize_url(**_pkce_params()) + "&redirect_uri=https%3A%2F%2Fevil.example.com%2F")
    _assert_not_redirected(response)


def test_inactive_client_is_refused(browser: DjangoClient, app: Any) -> None:
    client, _ = app
    client.is_active = False
    client.save()
    _assert_not_redirected(browser.get(authorize_url(**_pkce_params())))


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),  # PKCE required
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),  # oauthlib would default to plain
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": "code id_token"}, "unauthorized_client"),
        ({"scope": "openid admin"}, "invalid_scope"),
        ({"prompt": "none login"}, "invalid_request"),
        ({"max_age": "soon"}, "invalid_request"),
        ({"response_mode": "fragment"}, "invalid_request"),
        ({"request": "eyJ.x.y"}, "request_not_supported"),
        ({"nonce": "n" * 256}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
    ],
)
def test_later_errors_go_back_with_state_and_iss(browser: DjangoClient, app: Any, params: Any, error: str) -> None:
    values = {**_pkce_params(), **params}
    response = browser.get(authorize_url(**values))
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT + "?")
    query = query_of(response["Location"])
    assert query["error"] == error
    assert query["state"] == "xyz"
    assert query["iss"] == ISSUER


def test_signed_in_user_gets_a_code_with_state_and_iss(browser: DjangoClient, app: Any, alice: Any) -> None:
    response = browser.get(authorize_url(**_pkce_params(), nonce="n-1"))
    assert response.status_code == 302
    query = query_of(response["Location"])
    assert set(query) == {"code", "state", "iss"} and query["state"] == "xyz" and query["iss"] == ISSUER
    assert response["Referrer-Policy"] == "no-referrer"
    stored = AuthorizationCode.objects.get()
    assert query["code"] not in stored.digest  # only a digest is stored
    assert stored.user == alice and stored.nonce == "n-1" and stored.code_challenge_method == "S256"
    assert stored.session_sid == UserSession.objects.get(user=alice).sid
    assert (stored.expires_at - stored.created_at).total_seconds() <= 60


def test_anonymous_user_signs_in_first_and_comes_back(app: Any, alice: Any) -> None:
    browser = DjangoClient()
    url = authorize_url(**_pkce_params())
    response = browser.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    login = browser.post(response["Location"], {"username": "alice", "password": "alice-pass"})
    assert login.status_code == 302 and login["Location"].startswith("/oauth/authorize/?")
    back = browser.get(login["Location"])
    assert "code" in query_of(back["Location"])


def test_prompt_none_never_shows_ui(app: Any, make_client: Any, alice: Any) -> None:
    anonymous = DjangoClient()
    response = anonymous.get(authorize_url(**_pkce_params(), prompt="none"))
    assert query_of(response["Location"])["error"] == "login_required"
    make_client(client_id="third", trusted=False)
    browser = DjangoClient()
    sign_in(browser)
    response = browser.get(authorize_url("third", **_pkce_params(), prompt="none"))
    assert query_of(response["Location"])["error"] == "consent_required"


def test_prompt_login_forces_a_fresh_sign_in_once(browser: DjangoClient, app: Any) -> None:
    url = authorize_url(**_pkce_params(), prompt="login")
    response = browser.get(url)
    assert response["Location"].startswith("/accounts/login/")
    assert browser.get(url)["Location"].startswith("/accounts/login/")  # still not fresh
    login = browser.post(response["Location"], {"username": "alice", "password": "alice-pass"})
    back = browser.get(login["Location"])
    assert "code" in query_of(back["Location"])


def test_prompt_login_for_a_signed_out_user_needs_one_sign_in(app: Any, alice: Any) -> None:
    browser = DjangoClient()
    response = browser.get(authorize_url(**_pkce_params(), prompt="login", max_age="0"))
    login = browser.post(response["Location"], {"username": "alice", "password": "alice-pass"})
    assert "code" in query_of(browser.get(login["Location"])["Location"])


def test_max_age_forces_a_fresh_sign_in_when_exceeded(browser: DjangoClient, app: Any, alice: Any) -> None:
    assert "code" in query_of(browser.get(authorize_url(**_pkce_params(), max_age="3600"))["Location"])
    UserSession.objects.filter(user=alice).update(auth_time=UserSession.objects.get().auth_time.replace(year=2020))
    response = browser.get(authorize_url(**_pkce_params(), max_age="3600"))
    assert response["Location"].startswith("/accounts/login/")
    silent = browser.get(authorize_url(**_pkce_params(), max_age="60", prompt="none"))
    assert query_of(silent["Location"])["error"] == "login_required"
    login = browser.post(response["Location"], {"username": "alice", "password": "alice-pass"})
    assert "code" in query_of(browser.get(login["Location"])["Location"])
    assert time.time() - AuthorizationCode.objects.latest("created_at").auth_time.timestamp() < 60


def test_consent_page_is_protected_and_remembered(make_client: Any, alice: Any) -> None:
    make_client(client_id="third", trusted=False)
    signed_in = DjangoClient()
    sign_in(signed_in)
    browser = DjangoClient(enforce_csrf_checks=True)
    browser.cookies = signed_in.cookies
    url = authorize_url("third", **_pkce_params(), scope="openid email")
    page = browser.get(url)
    assert page.status_code == 200 and b"Allow Example app?" in page.content
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["Referrer-Policy"] == "same-origin"  # its own form keeps a real Origin; nothing leaks elsewhere
    form = dict(page.context["params"])
    forged = browser.post("/oauth/authorize/", {**form, "consent_decision": "allow"})
    assert forged.status_code == 403  # no CSRF token: no consent
    token = page.context["csrf_token"]
    allowed = browser.post("/oauth/authorize/", {**form, "consent_decision": "allow", "csrfmiddlewaretoken": token})
    assert "code" in query_of(allowed["Location"])
    assert Consent.objects.get(user=alice).scope == "email openid"
    # Remembered: the same scopes go straight through; a new scope asks again.
    assert "code" in query_of(browser.get(url)["Location"])
    assert browser.get(authorize_url("third", **_pkce_params(), scope="openid profile")).status_code == 200
    # prompt=consent asks even when remembered.
    assert browser.get(authorize_url("third", **_pkce_params(), scope="openid", prompt="consent")).status_code == 200


def test_declining_consent_returns_access_denied(make_client: Any, alice: Any) -> None:
    make_client(client_id="third", trusted=False)
    browser = DjangoClient()
    sign_in(browser)
    page = browser.get(authorize_url("third", **_pkce_params()))
    denied = browser.post("/oauth/authorize/", {**dict(page.context["params"]), "consent_decision": "deny"})
    query = query_of(denied["Location"])
    assert query["error"] == "access_denied" and query["state"] == "xyz" and query["iss"] == ISSUER
    assert not AuthorizationCode.objects.exists()


@pytest.mark.parametrize("trusted", [False, True])
@pytest.mark.parametrize("decision", ["deny", "cancel", "", "ALLOW", "allow ", "yes"])
def test_anything_but_allow_on_a_prompt_consent_page_is_access_denied(
    make_client: Any, alice: Any, trusted: bool, decision: str
) -> None:
    """Issue 9: the user consented before; prompt=consent asks again and the user cancels. The
    answer is access_denied (RFC 6749 §4.1.2.1), not a code issued on the strength of the old
    consent; no code or grant is created."""
    make_client(client_id="third", trusted=trusted)
    browser = DjangoClient()
    sign_in(browser)
    first = browser.get(authorize_url("third", **_pkce_params(), prompt="consent"))
    allowed = browser.post("/oauth/authorize/", {**dict(first.context["params"]), "consent_decision": "allow"})
    assert "code" in query_of(allowed["Location"])  # consented earlier
    assert trusted or Consent.objects.filter(user=alice).exists()  # a trusted client needs no row
    before = (AuthorizationCode.objects.count(), Grant.objects.count())
    page = browser.get(authorize_url("third", **_pkce_params(), prompt="consent"))
    assert page.status_code == 200 and b"consent_decision" in page.content  # asked again
    response = browser.post("/oauth/authorize/", {**dict(page.context["params"]), "consent_decision": decision})
    assert response.status_code == 302
    query = query_of(response["Location"])
    assert "code" not in query
    assert query["error"] == "access_denied" and query["state"] == "xyz" and query["iss"] == ISSUER
    assert (AuthorizationCode.objects.count(), Grant.objects.count()) == before


def test_authorization_request_may_be_posted(browser: DjangoClient, app: Any) -> None:
    _, challenge = pkce()
    response = browser.post(
        "/oauth/authorize/",
        {
            "response_type": "code",
            "client_id": "example",
            "redirect_uri": REDIRECT,
            "scope": "openid",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "posted",
        },
    )
    assert query_of(response["Location"])["state"] == "posted"


def test_native_public_client_may_vary_the_loopback_port(make_client: Any, alice: Any) -> None:
    make_client(client_id="native", client_type=ClientType.PUBLIC, redirect_uris="http://127.0.0.1/callback")
    browser = DjangoClient()
    sign_in(browser)
    params = {**_pkce_params(), "redirect_uri": "http://127.0.0.1:51234/callback"}
    response = browser.get(authorize_url("native", **params))
    assert response["Location"].startswith("http://127.0.0.1:51234/callback?code=")
    # A confidential client's registration is matched exactly, port included.
    _assert_not_redirected(browser.get(authorize_url(**{**params})))


def test_private_use_scheme_redirects_work(make_client: Any, alice: Any) -> None:
    make_client(client_id="mobile", client_type=ClientType.PUBLIC, redirect_uris="com.example.app:/oauth")
    browser = DjangoClient()
    sign_in(browser)
    response = browser.get(authorize_url("mobile", **_pkce_params(), redirect_uri="com.example.app:/oauth"))
    assert response.status_code == 302 and response["Location"].startswith("com.example.app:/oauth?code=")


def test_get_code_helper_round_trip(browser: DjangoClient, app: Any) -> None:
    code, verifier = get_code(browser)
    assert code and verifier
