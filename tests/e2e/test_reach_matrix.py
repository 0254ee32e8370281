"""Every credential kind × every identity page, the admin and both demo APIs, over real HTTP
against the live demo sites: accepted exactly where the README's credential table says, with the
right status and challenge, and never a 5xx.

The expectations are read from the README (``tests/reach_table.py``). All credentials belong to
the demo's ``admin`` user (a superuser, so the admin column means something), are obtained the
way a client would obtain them (password sign-in, ``/api/auth/*``, OAuth flows with consent), and
the session row runs last because its "sign out everywhere" ends the sessions the OAuth tokens
were issued from. The JWT cookie row is checked in process (the demo does not run cookie mode):
``tests/core/test_reach_matrix.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.oauth2.browser import csrf_token, follow_to_client, sign_in
from tests.oauth2.conftest import basic, pkce
from tests.reach_table import ACCEPTED, Expected, table

pytestmark = pytest.mark.e2e

USER, PASSWORD = "admin", "admin-demo-pass"
CB = "http://127.0.0.1:9/cb"  # never followed: the code is read from the Location header
TABLE = table()
IN_PROCESS_ONLY = {"jwt-cookie"}
SESSION = "session"
#: Rows in the order they run: the session last (see the module docstring).
KINDS = [k for k in TABLE if k not in IN_PROCESS_ONLY and k != SESSION] + [SESSION]


@dataclass
class Credentials:
    site_a: Any
    site_b: Any
    browser: requests.Session  # signed in on site A as the admin, and on site B through it
    headers: dict[str, str] = field(default_factory=dict)  # kind -> Authorization value


def _authorize_url(base: str, client_id: str, redirect_uri: str, scope: str, challenge: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": "matrix",
        "nonce": "matrix",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{base}/oauth/authorize/?{urlencode(query)}"


def _oauth_tokens(
    creds: Credentials, client_id: str, secret: str, scope: str, redirect_uri: str = CB
) -> dict[str, Any]:
    """The authorization code flow as the admin's browser and the client would walk it
    (consent given on the consent page when the client is not trusted)."""
    base = creds.site_a.url
    verifier, challenge = pkce()
    location = follow_to_client(creds.browser, _authorize_url(base, client_id, redirect_uri, scope, challenge))
    code = parse_qs(urlsplit(location).query)["code"][0]
    response = requests.post(
        f"{base}/oauth/token/",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        headers={"Authorization": basic(client_id, secret)},
        timeout=15,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


REGISTER = """
import json
from identity.oauth2.models import Client, GrantType
specs = {specs!r}
secrets = {{}}
for spec in specs:
    client = Client.objects.filter(client_id=spec["client_id"]).first() or Client(**spec)
    secrets[spec["client_id"]] = client.set_secret()
    client.save()
print(json.dumps(secrets))
"""

CODE = ["authorization_code"]
CLIENTS = [
    {"name": "Matrix opaque", "client_id": "matrix-trusted-opaque", "grant_types": CODE,
     "scopes": "openid revenue:read", "trusted": True, "access_token_format": "opaque", "redirect_uris": CB},
    {"name": "Matrix third party", "client_id": "matrix-untrusted", "grant_types": CODE,
     "scopes": "openid revenue:read", "trusted": False, "redirect_uris": CB},
    {"name": "Matrix third party (opaque)", "client_id": "matrix-untrusted-opaque", "grant_types": CODE,
     "scopes": "openid revenue:read", "trusted": False, "access_token_format": "opaque", "redirect_uris": CB},
    {"name": "Matrix batch job", "client_id": "matrix-batch", "grant_types": ["client_credentials"],
     "scopes": "revenue:read", "trusted": False, "redirect_uris": ""},
]  # fmt: skip


@pytest.fixture(scope="module")
def creds(demo_sites: Any) -> Credentials:
    site_a, site_b = demo_sites
    browser = sign_in(site_a.url, USER, PASSWORD)
    # site B's own session, by OpenID Connect through site A (single sign-on: no second password)
    landed = browser.get(f"{site_b.url}/accounts/login/", timeout=15)
    assert landed.status_code == 200 and landed.url.startswith(site_b.url), landed.url
    creds = Credentials(site_a, site_b, browser)
    h = creds.headers
    h["basic"] = basic(USER, PASSWORD)
    token = requests.post(f"{site_a.url}/api/auth/token/", json={"username": USER, "password": PASSWORD}, timeout=15)
    h["personal-token"] = f"Token {token.json()['token']}"
    pair = requests.post(f"{site_a.url}/api/auth/jwt/", json={"username": USER, "password": PASSWORD}, timeout=15)
    h["jwt"] = f"Bearer {pair.json()['access']}"
    h["jwt-refresh"] = f"Bearer {pair.json()['refresh']}"

    secrets_by_client = json.loads(site_a.shell(REGISTER.format(specs=CLIENTS)))
    trusted = _oauth_tokens(
        creds,
        "demo-site-b",
        "demo-site-b-secret",
        "openid profile revenue:read",
        f"{site_b.url}/accounts/oidc/callback/",
    )
    h["oauth-trusted-jwt"] = f"Bearer {trusted['access_token']}"
    h["id-token"] = f"Bearer {trusted['id_token']}"
    h["oauth-refresh"] = f"Bearer {trusted['refresh_token']}"
    opaque = _oauth_tokens(
        creds, "matrix-trusted-opaque", secrets_by_client["matrix-trusted-opaque"], "openid revenue:read"
    )
    h["oauth-trusted-opaque"] = f"Bearer {opaque['access_token']}"
    third = _oauth_tokens(creds, "matrix-untrusted", secrets_by_client["matrix-untrusted"], "openid")
    h["oauth-untrusted-jwt"] = f"Bearer {third['access_token']}"
    third_opaque = _oauth_tokens(
        creds, "matrix-untrusted-opaque", secrets_by_client["matrix-untrusted-opaque"], "openid"
    )
    h["oauth-untrusted-opaque"] = f"Bearer {third_opaque['access_token']}"
    scoped = _oauth_tokens(creds, "matrix-untrusted", secrets_by_client["matrix-untrusted"], "openid revenue:read")
    h["oauth-untrusted-scoped"] = f"Bearer {scoped['access_token']}"
    batch = requests.post(
        f"{site_a.url}/oauth/token/",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": basic("matrix-batch", secrets_by_client["matrix-batch"])},
        timeout=15,
    )
    assert batch.status_code == 200, batch.text
    h["client-credentials"] = f"Bearer {batch.json()['access_token']}"
    return creds


def test_the_table_names_every_credential_kind_the_matrix_builds(creds: Credentials) -> None:
    assert set(KINDS) == set(creds.headers) | {SESSION}


# --- the targets: (column, name, request, what an accepted credential gets) ----------------------


@dataclass(frozen=True)
class Target:
    column: str
    name: str
    site: str  # "a" or "b"
    method: str
    path: str
    accepted_status: int | tuple[int, ...]
    data: dict[str, str] | None = None


def _targets(creds: Credentials, kind: str) -> list[Target]:
    b_callback = f"{creds.site_b.url}/accounts/oidc/callback/"
    _, challenge = pkce()
    authorize = urlsplit(_authorize_url("", "demo-site-b", b_callback, "openid", challenge))
    return [
        Target("pages", "sign-in page", "a", "GET", "/accounts/login/", 200),
        Target("pages", "Security page", "a", "GET", "/accounts/security/", 200),
        Target("pages", "create a personal token", "a", "POST", "/accounts/security/tokens/", 200,
               {"name": f"m-{kind}"}),
        Target("pages", "end a session", "a", "POST", "/accounts/security/sessions/no-such-sid/end/", 404),
        Target("pages", "revoke a JWT sign-in", "a", "POST", "/accounts/security/apps/no-such-family/revoke/", 404),
        Target("pages", "disconnect an app", "a", "POST", "/accounts/security/apps/no-such-client/disconnect/", 404),
        Target("pages", "consent / authorize", "a", "GET", f"{authorize.path}?{authorize.query}", 302),
        Target("pages", "device page", "a", "GET", "/device/", 200),
        Target("pages", "device approval", "a", "POST", "/device/", 400,
               {"user_code": "BCDF-GHJK", "decision": "approve"}),
        Target("pages", "CAS login", "a", "GET", "/cas/login", 200),
        Target("admin", "admin index", "a", "GET", "/admin/", 200),
        Target("admin", "admin user list", "a", "GET", "/admin/auth/user/", 200),
        Target(
            "admin", "admin add user", "a", "POST", "/admin/auth/user/add/", 302,
            {"username": f"matrix-{kind}", "password1": "Matrix-pass-9271", "password2": "Matrix-pass-9271",
             "usable_password": "true"},
        ),
        Target("plain-api", "API view declaring nothing", "a", "GET", "/api/auth/token/", 405),
        Target("revenue-a", "site A revenue API", "a", "GET", "/api/revenue/", 200),
        Target("revenue-b", "site B revenue API", "b", "GET", "/api/revenue/", 200),
        # last: for the session it ends every session of the user
        Target("pages", "sign out everywhere", "a", "POST", "/accounts/security/sign-out-everywhere/", 302),
    ]  # fmt: skip


def _send(creds: Credentials, kind: str, target: Target) -> requests.Response:
    base = creds.site_a.url if target.site == "a" else creds.site_b.url
    url = base + target.path
    if kind == SESSION:
        browser = creds.browser
        headers = {"Referer": url}
        if target.method == "POST":
            headers["X-CSRFToken"] = _fresh_csrf(browser, base)
        return browser.request(target.method, url, data=target.data, headers=headers, allow_redirects=False, timeout=15)
    # a script holding only the credential: no cookies, no CSRF token
    headers = {"Authorization": creds.headers[kind]}
    return requests.request(target.method, url, data=target.data, headers=headers, allow_redirects=False, timeout=15)


def _fresh_csrf(browser: requests.Session, base: str) -> str:
    return csrf_token(browser.get(f"{base}/accounts/login/", timeout=15).text)


def _problem(expected: Expected, target: Target, response: requests.Response, presented: str) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"{status} (a server error)"
    if expected.outcome == ACCEPTED:
        wanted = target.accepted_status if isinstance(target.accepted_status, tuple) else (target.accepted_status,)
        return None if status in wanted else f"{status}, expected {wanted} (accepted): {response.text[:200]}"
    if status != expected.status:
        return f"{status}, expected {expected.status} (refused): {response.text[:200]}"
    challenge = response.headers.get("WWW-Authenticate", "")
    body = response.json()
    if status == 401 and not challenge:
        return "401 without a challenge"
    if status == 401 and presented.startswith("Bearer ") and 'error="invalid_token"' not in challenge:
        return f"401 for a bearer token without an invalid_token challenge: {challenge!r}"
    if status == 403 and body.get("error") == "insufficient_scope":
        if 'error="insufficient_scope"' not in challenge:
            return f"403 insufficient_scope without its challenge: {challenge!r}"
        if target.column.startswith("revenue") and 'scope="revenue:read"' not in challenge:
            return f"the challenge does not name the scope the API needs: {challenge!r}"
    elif status == 403 and body.get("error") != "credential_not_accepted":
        return f"403 with error {body.get('error')!r}"
    return None


def test_a_refused_api_call_names_the_scope_it_needs(creds: Credentials) -> None:
    response = _send(creds, "oauth-untrusted-jwt", Target("revenue-a", "", "a", "GET", "/api/revenue/", 200))
    assert response.status_code == 403
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="identity", error="insufficient_scope", '
        'error_description="The access token needs the scope revenue:read.", scope="revenue:read"'
    )


def test_the_revenue_api_says_who_called(creds: Credentials) -> None:
    def call(kind: str, site: str) -> dict[str, Any]:
        response = _send(creds, kind, Target("revenue-" + site, "", site, "GET", "/api/revenue/", 200))
        assert response.status_code == 200, response.text
        return {k: response.json()[k] for k in ("user", "client", "authenticated_by")}

    assert call("jwt", "a") == {"user": USER, "client": None, "authenticated_by": "jwt"}
    assert call("oauth-trusted-opaque", "a") == {
        "user": USER,
        "client": "matrix-trusted-opaque",
        "authenticated_by": "oauth2",
    }
    assert call("client-credentials", "b") == {"user": None, "client": "matrix-batch", "authenticated_by": "jwt"}


# The matrix last: its session row ends every session of the user.
@pytest.mark.parametrize("kind", KINDS)
def test_credential_reaches_exactly_what_the_readme_says(creds: Credentials, kind: str) -> None:
    expected_row = TABLE[kind]
    problems = []
    for target in _targets(creds, kind):
        response = _send(creds, kind, target)
        problem = _problem(expected_row[target.column], target, response, creds.headers.get(kind, ""))
        if problem:
            problems.append(f"{kind} → {target.name} ({target.method} {target.path}): {problem}")
    assert not problems, "\n".join(problems)


def test_refused_credentials_changed_nothing(creds: Credentials) -> None:
    """The pages answered 403 before acting: no user added and no personal token minted by any
    credential but the session (whose own additions prove the requests would have acted)."""
    found = creds.site_a.shell(
        "from django.contrib.auth.models import User; from identity.tokens.models import APIToken; "
        "print(sorted(User.objects.filter(username__startswith='matrix-').values_list('username', flat=True)), "
        "sorted(APIToken.objects.filter(name__startswith='m-').values_list('name', flat=True)))"
    )
    assert found == "['matrix-session'] ['m-session']", found
