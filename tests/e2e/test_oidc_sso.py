"""Single sign-on between the two demo sites over OpenID Connect, each a real server process with
its own database: site B signs in through site A, and signing out on either ends both (RP-initiated
logout one way, back-channel logout the other)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.e2e.cas_helpers import wait_until
from tests.oauth2.browser import csrf_token

pytestmark = pytest.mark.e2e


def _sso_sign_in(
    site_a: Any, site_b: Any, username: str = "alice", password: str = "alice-demo-pass"
) -> requests.Session:
    browser = requests.Session()
    login_page = browser.get(site_b.url + "/", timeout=15)  # B -> B login -> A authorize -> A login
    assert login_page.url.startswith(site_a.url + "/accounts/login/"), login_page.url
    home = browser.post(
        login_page.url,
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf_token(login_page.text)},
        timeout=15,
    )  # A login -> A authorize -> B callback -> B home
    assert home.status_code == 200 and home.url == site_b.url + "/", (home.status_code, home.url, home.text[:500])
    assert f'data-testid="home-user">{username}<' in home.text
    return browser


def _signed_in_on(browser: requests.Session, site: Any) -> bool:
    page = browser.get(site.url + "/", timeout=15, allow_redirects=False)
    return page.status_code == 200 and 'data-testid="home-user"' in page.text


def test_site_b_signs_in_through_site_a_and_links_the_user(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    browser = _sso_sign_in(site_a, site_b)
    assert _signed_in_on(browser, site_a)  # the single sign-on session lives on site A
    alice_pk = site_a.shell("from django.contrib.auth.models import User; print(User.objects.get(username='alice').pk)")
    linked = site_b.shell(
        "from identity.client.oidc.models import OIDCLink; import json; "
        f"l = OIDCLink.objects.get(sub={alice_pk!r}); print(json.dumps([l.issuer, l.user.username, l.user.email, "
        "l.user.first_name, l.user.has_usable_password()]))"
    )
    assert json.loads(linked) == [site_a.url, "alice", "alice@example.com", "Alice", False]


def test_sign_out_on_site_b_signs_out_on_site_a(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    browser = _sso_sign_in(site_a, site_b)
    home = browser.get(site_b.url + "/", timeout=15)
    out = browser.post(
        site_b.url + "/accounts/logout/",
        data={"csrfmiddlewaretoken": csrf_token(home.text)},
        timeout=15,
        allow_redirects=False,
    )
    assert out.status_code == 302 and out.headers["Location"].startswith(site_a.url + "/oauth/logout/?")
    assert "id_token_hint=" in out.headers["Location"]
    back = browser.get(out.headers["Location"], timeout=15, allow_redirects=False)
    assert back.status_code == 302 and back.headers["Location"] == site_b.url + "/"  # no confirmation needed
    assert not _signed_in_on(browser, site_a)
    assert not _signed_in_on(browser, site_b)


def test_sign_out_on_site_a_reaches_site_b_by_back_channel(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    browser = _sso_sign_in(site_a, site_b)
    page = browser.get(site_a.url + "/", timeout=15)
    browser.post(site_a.url + "/accounts/logout/", data={"csrfmiddlewaretoken": csrf_token(page.text)}, timeout=15)
    assert not _signed_in_on(browser, site_a)
    assert wait_until(lambda: not _signed_in_on(browser, site_b))  # the logout token arrived
    reason = site_b.shell(
        "from identity.sessions.models import UserSession; "
        "print(UserSession.objects.exclude(end_reason='').order_by('-ended_at').first().end_reason)"
    )
    assert reason == "remote_logout"


def test_callback_refuses_forged_or_replayed_responses(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    browser = requests.Session()
    forged = browser.get(site_b.url + "/accounts/oidc/callback/?code=abc&state=made-up", timeout=15)
    assert forged.status_code == 400 and "sign-in-error" in forged.text
    # Start a real sign-in, then let the callback come back twice.
    login_page = browser.get(site_b.url + "/", timeout=15)
    done = browser.post(
        login_page.url,
        data={"username": "alice", "password": "alice-demo-pass", "csrfmiddlewaretoken": csrf_token(login_page.text)},
        timeout=15,
    )
    callback = next(r for r in done.history if r.url.startswith(site_b.url + "/accounts/oidc/callback/"))
    again = browser.get(callback.url, timeout=15)
    assert again.status_code == 400  # state is single use
    query = parse_qs(urlsplit(callback.url).query)
    assert query["iss"] == [site_a.url]
    mixed_up = browser.get(
        site_b.url
        + "/accounts/oidc/callback/?"
        + f"code={query['code'][0]}&state={query['state'][0]}&iss=https://evil.example",
        timeout=15,
    )
    assert mixed_up.status_code == 400


def test_back_channel_receiver_refuses_bad_logout_tokens(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    url = site_b.url + "/accounts/oidc/backchannel-logout/"
    assert requests.get(url, timeout=15).status_code == 405
    assert requests.post(url, data={"logout_token": "not.a.jwt"}, timeout=15).status_code == 400
    event = "http://schemas.openid.net/event/backchannel-logout"

    def signed(claims: str, typ: str = "logout+jwt") -> str:
        return site_a.shell(
            "import time, json; from identity.jwt.tokens import sign; now = int(time.time()); "
            f"c = {{'iss': {site_a.url!r}, 'iat': now, 'exp': now + 60, 'jti': str(time.time_ns()), 'sid': 'x', "
            f"'events': {{{event!r}: {{}}}}, 'aud': 'demo-site-b', **{claims}}}; print(sign(c, typ={typ!r}))"
        )

    good = signed("{}")
    assert requests.post(url, data={"logout_token": good}, timeout=15).status_code == 200
    assert requests.post(url, data={"logout_token": good}, timeout=15).status_code == 200  # a retry changes nothing
    for bad in [
        signed("{'aud': 'someone-else'}"),
        signed("{'nonce': 'n'}"),
        signed("{'events': {}}"),
        signed("{'iss': 'https://evil.example'}"),
        signed("{}", typ="JWT"),
        signed("{'iat': int(time.time()) - 3600, 'exp': int(time.time()) + 60}"),
    ]:
        response = requests.post(url, data={"logout_token": bad}, timeout=15)
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "invalid_request"


def test_site_a_oauth_access_tokens_work_on_site_b_offline(demo_sites: Any) -> None:
    """An access token from site A's token endpoint is an RFC 9068 JWT that site B's API verifies
    against site A's published keys, like the JWTs of /api/auth/jwt/; it reaches the API only
    when it holds the API's scope (revenue:read), whichever client holds it."""
    from authlib.integrations.requests_client import OAuth2Session

    site_a, site_b = demo_sites
    browser = requests.Session()
    page = browser.get(site_a.url + "/accounts/login/", timeout=15)
    browser.post(
        page.url,
        data={"username": "bob", "password": "bob-demo-pass", "csrfmiddlewaretoken": csrf_token(page.text)},
        timeout=15,
    )

    def access_token(scope: str) -> str:
        oauth = OAuth2Session(
            "demo-site-b",
            "demo-site-b-secret",
            scope=scope,
            redirect_uri=site_b.url + "/accounts/oidc/callback/",
            code_challenge_method="S256",
        )
        verifier = "v" * 64
        url, _ = oauth.create_authorization_url(site_a.url + "/oauth/authorize/", code_verifier=verifier)
        location = browser.get(url, allow_redirects=False, timeout=15).headers["Location"]
        token = oauth.fetch_token(site_a.url + "/oauth/token/", authorization_response=location, code_verifier=verifier)
        return str(token["access_token"])

    def revenue(token: str) -> requests.Response:
        return requests.get(site_b.url + "/api/revenue/", headers={"Authorization": f"Bearer {token}"}, timeout=15)

    api = revenue(access_token("openid profile revenue:read"))
    assert api.status_code == 200 and api.json()["authenticated_by"] == "jwt"
    assert api.json()["user"] is not None and api.json()["client"] == "demo-site-b"  # bob, by his sub
    without_scope = revenue(access_token("openid profile"))
    assert without_scope.status_code == 403
    challenge = without_scope.headers["WWW-Authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="revenue:read"' in challenge
