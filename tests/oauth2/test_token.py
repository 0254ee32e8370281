"""The token endpoint and what it issues: codes are single use and bound to client, redirect URI
and PKCE; a replayed code or a reused refresh token revokes its family; errors in RFC 6749
§5.2's shape; responses never cached."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client as DjangoClient
from django.utils import timezone

from identity.oauth2.models import AuthorizationCode, ClientType, Grant, GrantType, OAuthAccessToken, OAuthRefreshToken
from tests.conftest import sign_in
from tests.oauth2.conftest import ISSUER, REDIRECT, basic, exchange, form_post, get_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(alice: Any) -> DjangoClient:
    client = DjangoClient()
    sign_in(client)
    return client


def _introspect(api: DjangoClient, token: str, secret: str, client_id: str = "example") -> dict[str, Any]:
    response = form_post(api, "/oauth/introspect/", {"token": token}, HTTP_AUTHORIZATION=basic(client_id, secret))
    assert response.status_code == 200, response.content
    return response.json()


def test_code_exchange_issues_jwt_access_id_and_refresh_tokens(browser: DjangoClient, app: Any, alice: Any) -> None:
    from identity.jwt.verify import verify

    client, secret = app
    code, verifier = get_code(browser, nonce="n-42", scope="openid profile email")
    api = DjangoClient()
    response = exchange(api, code, verifier, secret)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store" and response["Pragma"] == "no-cache"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "openid profile email" and body["expires_in"] == 300
    access = verify(body["access_token"], typ="at+jwt")
    assert access["client_id"] == "example" and access["sub"] == str(alice.pk) and access["iss"] == ISSUER
    assert access["scope"] == "openid profile email" and access["sid"]
    id_claims = verify(body["id_token"], typ="JWT", audience="example")
    assert id_claims["nonce"] == "n-42" and id_claims["sub"] == str(alice.pk) and id_claims["sid"] == access["sid"]
    assert {"auth_time", "at_hash", "exp", "iat", "iss", "jti"} <= set(id_claims)
    assert None not in id_claims.values()
    assert OAuthRefreshToken.objects.filter(grant__client=client).count() == 1
    # The JWT works on the site's APIs that declare a scope it holds, and on no other.
    who = DjangoClient().get("/api/scoped/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert who.status_code == 200 and who.json()["method"] == "jwt"
    refused = DjangoClient().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert refused.status_code == 403 and 'error="insufficient_scope"' in refused["WWW-Authenticate"]


def test_code_is_single_use_and_a_replay_revokes_what_it_issued(
    browser: DjangoClient, app: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, secret = app
    code, verifier = get_code(browser)
    api = DjangoClient()
    first = exchange(api, code, verifier, secret).json()
    assert _introspect(api, first["access_token"], secret)["active"] is True
    with django_capture_on_commit_callbacks(execute=True):  # the denylist applies on commit
        replay = exchange(api, code, verifier, secret)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert _introspect(api, first["access_token"], secret) == {"active": False}
    assert _introspect(api, first["refresh_token"], secret) == {"active": False}
    assert Grant.objects.get().revoke_reason == "code_replayed"
    # The JWT itself is denylisted: the API refuses it at once.
    who = DjangoClient().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {first['access_token']}")
    assert who.status_code == 401


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code_verifier": "wrong-" + "v" * 50}, "invalid_grant"),
        ({"code_verifier": None}, "invalid_request"),
        ({"redirect_uri": REDIRECT + "/"}, "invalid_request"),
        ({"redirect_uri": None}, "invalid_request"),
        ({"code": "not-a-code"}, "invalid_grant"),
    ],
)
def test_code_is_bound_to_verifier_and_redirect_uri(
    browser: DjangoClient, app: Any, change: dict[str, Any], error: str
) -> None:
    _, secret = app
    code, verifier = get_code(browser)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    data.update(change)
    response = form_post(
        DjangoClient(),
        "/oauth/token/",
        {k: v for k, v in data.items() if v is not None},
        HTTP_AUTHORIZATION=basic("example", secret),
    )
    assert response.status_code == 400 and response.json()["error"] == error
    assert AuthorizationCode.objects.get().used_at is None  # a failed attempt does not burn the code


def test_code_is_bound_to_its_client(browser: DjangoClient, app: Any, make_client: Any) -> None:
    _, other_secret = make_client(client_id="other")
    code, verifier = get_code(browser)
    response = exchange(DjangoClient(), code, verifier, other_secret, client_id="other")
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_expired_code_is_refused(browser: DjangoClient, app: Any) -> None:
    _, secret = app
    code, verifier = get_code(browser)
    AuthorizationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = exchange(DjangoClient(), code, verifier, secret)
    assert response.json() == {"error": "invalid_grant", "error_description": "The authorization code has expired."}


def test_pkce_downgrade_is_refused(settings: Any, browser: DjangoClient, make_client: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "OAUTH2_PKCE_REQUIRED": False}
    _, secret = make_client(require_pkce=False)
    response = browser.get(f"/oauth/authorize/?response_type=code&client_id=example&redirect_uri={REDIRECT}&state=a")
    code = response["Location"].split("code=")[1].split("&")[0]
    downgraded = exchange(DjangoClient(), code, "an-attacker-verifier-" + "x" * 40, secret)
    assert downgraded.status_code == 400
    assert downgraded.json()["error"] == "invalid_grant" and "code_challenge" in downgraded.json()["error_description"]
    assert exchange(DjangoClient(), code, None, secret).status_code == 200  # without a verifier: allowed here


def test_client_authentication_rules(browser: DjangoClient, app: Any) -> None:
    _, secret = app
    code, verifier = get_code(browser)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    api = DjangoClient()
    wrong = form_post(api, "/oauth/token/", data, HTTP_AUTHORIZATION=basic("example", "nope"))
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert wrong["WWW-Authenticate"].startswith("Basic ")
    both = form_post(
        api,
        "/oauth/token/",
        {**data, "client_id": "example", "client_secret": secret},
        HTTP_AUTHORIZATION=basic("example", secret),
    )
    assert both.status_code == 401  # one authentication method per request (RFC 6749 §2.3)
    none = form_post(api, "/oauth/token/", data)
    assert none.status_code == 401
    posted = form_post(api, "/oauth/token/", {**data, "client_id": "example", "client_secret": secret})
    assert posted.status_code == 200  # client_secret_post works too


def test_public_client_uses_pkce_and_cannot_present_a_secret(make_client: Any, alice: Any) -> None:
    make_client(client_id="spa", client_type=ClientType.PUBLIC)
    browser = DjangoClient()
    sign_in(browser)
    code, verifier = get_code(browser, "spa")
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": "spa",
    }
    assert form_post(DjangoClient(), "/oauth/token/", {**data, "client_secret": "guess"}).status_code == 401
    ok = form_post(DjangoClient(), "/oauth/token/", data)
    assert ok.status_code == 200, ok.content


def test_refresh_rotates_and_reuse_revokes_the_family(browser: DjangoClient, app: Any) -> None:
    _, secret = app
    code, verifier = get_code(browser)
    api = DjangoClient()
    first = exchange(api, code, verifier, secret).json()
    auth = basic("example", secret)
    second = form_post(
        api,
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        HTTP_AUTHORIZATION=auth,
    )
    assert second.status_code == 200, second.content
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"] and "id_token" in second
    assert _introspect(api, first["refresh_token"], secret) == {"active": False}  # spent
    reuse = form_post(
        api,
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        HTTP_AUTHORIZATION=auth,
    )
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    # The whole family is gone: the newest refresh token and access tokens too.
    assert _introspect(api, second["refresh_token"], secret) == {"active": False}
    assert _introspect(api, second["access_token"], secret) == {"active": False}
    assert Grant.objects.get().revoke_reason == "refresh_token_reused"


def test_refresh_cannot_widen_scope_and_idle_tokens_expire(browser: DjangoClient, app: Any) -> None:
    _, secret = app
    code, verifier = get_code(browser, scope="openid")
    api = DjangoClient()
    tokens = exchange(api, code, verifier, secret).json()
    auth = basic("example", secret)
    wider = form_post(
        api,
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "scope": "openid email"},
        HTTP_AUTHORIZATION=auth,
    )
    assert wider.json()["error"] == "invalid_scope"
    OAuthRefreshToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    idle = form_post(
        api,
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=auth,
    )
    assert idle.json()["error"] == "invalid_grant"


def test_client_credentials(make_client: Any) -> None:
    _, secret = make_client(
        client_id="svc", grant_types=[GrantType.CLIENT_CREDENTIALS], scopes="openid reports:read", redirect_uris=""
    )
    api = DjangoClient()
    auth = basic("svc", secret)
    with_openid = form_post(
        api, "/oauth/token/", {"grant_type": "client_credentials", "scope": "openid"}, HTTP_AUTHORIZATION=auth
    )
    assert with_openid.json()["error"] == "invalid_scope"  # no user: nothing to sign in


def test_client_credentials_token(settings: Any, make_client: Any) -> None:
    from identity.jwt.verify import verify

    settings.IDENTITY = {**settings.IDENTITY, "OAUTH2_SCOPES": {"openid": "Sign in", "reports:read": "Read reports"}}
    _, secret = make_client(
        client_id="svc", grant_types=[GrantType.CLIENT_CREDENTIALS], scopes="reports:read", redirect_uris=""
    )
    response = form_post(
        DjangoClient(), "/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=basic("svc", secret)
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "refresh_token" not in body and "id_token" not in body and body["scope"] == "reports:read"
    claims = verify(body["access_token"], typ="at+jwt")
    assert claims["client_id"] == "svc" and claims["sub"] == "client:svc" and "sid" not in claims


def test_grant_types_are_per_client(make_client: Any) -> None:
    _, secret = make_client()  # code + refresh only
    response = form_post(
        DjangoClient(),
        "/oauth/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic("example", secret),
    )
    assert response.json()["error"] == "unauthorized_client"
    for grant in ["password", "implicit", "urn:made:up"]:
        other = form_post(
            DjangoClient(), "/oauth/token/", {"grant_type": grant}, HTTP_AUTHORIZATION=basic("example", secret)
        )
        assert other.status_code == 400 and other.json()["error"] in {"unsupported_grant_type", "invalid_request"}


def test_bad_requests_get_oauth_errors_never_500(app: Any) -> None:
    _, secret = app
    api = DjangoClient()
    auth = basic("example", secret)
    assert api.get("/oauth/token/").status_code == 405
    assert (
        api.post("/oauth/token/?code=x", {"grant_type": "authorization_code"}, HTTP_AUTHORIZATION=auth).json()["error"]
        == "invalid_request"
    )
    as_json = api.post("/oauth/token/", '{"grant_type": "x"}', content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    dup = api.generic(
        "POST",
        "/oauth/token/",
        "grant_type=authorization_code&code=a&code=b&redirect_uri=x",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=auth,
    )
    assert dup.status_code == 400 and dup.json()["error"] in {"invalid_request", "invalid_grant"}
    garbage = form_post(
        api, "/oauth/token/", {"grant_type": "authorization_code", "code": "\x00" * 600}, HTTP_AUTHORIZATION="Basic !!!"
    )
    # A NUL in a field is malformed input, refused before the client is authenticated.
    assert garbage.status_code == 400 and garbage.json()["error"] == "invalid_request"
    huge = form_post(
        api, "/oauth/token/", {"grant_type": "refresh_token", "refresh_token": "r" * 10000}, HTTP_AUTHORIZATION=auth
    )
    assert huge.json()["error"] == "invalid_grant"


def test_opaque_access_tokens_per_client(browser: DjangoClient, make_client: Any, alice: Any) -> None:
    _, secret = make_client(access_token_format="opaque")
    code, verifier = get_code(browser)
    body = exchange(DjangoClient(), code, verifier, secret).json()
    assert body["access_token"].count(".") == 0
    row = OAuthAccessToken.objects.get()
    assert row.format == "opaque" and body["access_token"] not in row.key
    assert _introspect(DjangoClient(), body["access_token"], secret)["username"] == "alice"


def test_opaque_access_tokens_authenticate_api_requests(
    browser: DjangoClient, make_client: Any, django_assert_max_num_queries: Any
) -> None:
    client, secret = make_client(access_token_format="opaque")
    code, verifier = get_code(browser, scope="openid profile")
    token = exchange(DjangoClient(), code, verifier, secret).json()["access_token"]
    api = DjangoClient()
    with django_assert_max_num_queries(1):
        who = api.get("/plain/scoped/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert who.json() == {"user": "alice", "method": "oauth2"}
    assert api.get("/api/scoped/", HTTP_AUTHORIZATION=f"Bearer {token}").json()["user"] == "alice"
    # Views that declare no scope take first-party credentials only.
    for path in ("/plain/whoami/", "/api/whoami/"):
        refused = api.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    client.is_active = False
    client.save()
    refused = api.get("/api/scoped/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 401 and 'error="invalid_token"' in refused["WWW-Authenticate"]
    client.is_active = True
    client.save()
    form_post(DjangoClient(), "/oauth/revoke/", {"token": token}, HTTP_AUTHORIZATION=basic("example", secret))
    assert api.get("/api/scoped/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


@pytest.mark.parametrize("mode", ["token", "database"])
def test_client_credentials_tokens_never_pass_for_a_user(settings: Any, make_client: Any, mode: str) -> None:
    settings.IDENTITY = {
        **settings.IDENTITY,
        "OAUTH2_SCOPES": {"openid": "Sign in", "reports:read": "Read reports"},
        "JWT_USER": mode,
    }
    _, secret = make_client(
        client_id="1", grant_types=[GrantType.CLIENT_CREDENTIALS], scopes="reports:read", redirect_uris=""
    )
    token = form_post(
        DjangoClient(), "/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=basic("1", secret)
    ).json()["access_token"]
    # A view for users only (the default) refuses it, whatever JWT_USER says: never user 1.
    who = DjangoClient().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert who.status_code == 403 and who.json()["error"] == "insufficient_scope"
    # A view that takes machine callers with its scope sees the client, never a user.
    reports = DjangoClient().get("/api/reports/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert reports.status_code == 200 and reports.json()["user"] == "client:1"


@pytest.fixture
def introspection_case(browser: DjangoClient, app: Any, make_client: Any) -> dict[str, Any]:
    """Live access tokens of ``example`` (confidential) and of ``spa`` (public), for callers
    that claim to be one of them."""
    _, secret = app
    make_client(client_id="spa", client_type=ClientType.PUBLIC)
    code, verifier = get_code(browser)
    example_token = exchange(DjangoClient(), code, verifier, secret).json()["access_token"]
    code, verifier = get_code(browser, "spa")
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    spa_token = form_post(DjangoClient(), "/oauth/token/", {**data, "client_id": "spa"}).json()["access_token"]
    return {"secret": secret, "example": example_token, "spa": spa_token}


@pytest.mark.parametrize(
    ("claimed", "data", "authorization"),
    [
        ("spa", {"client_id": "spa", "client_secret": ""}, None),  # an empty secret is no secret
        ("spa", {"client_id": "spa"}, "Bearer x"),  # not a client authentication at all
        ("spa", {"client_id": "spa"}, "Bearer junk"),
        ("spa", {}, basic("spa", "")),  # a public client has nothing to authenticate with
        ("spa", {"client_id": "spa", "client_secret": "guess"}, None),
        ("spa", {"client_id": "spa"}, "Basic !!!"),
        ("spa", {"client_id": "spa"}, "Basic"),
        ("example", {"client_id": "example", "client_secret": ""}, None),
        ("example", {"client_id": "example"}, "Bearer x"),
        ("example", {}, basic("example", "")),
        ("example", {}, basic("example", "wrong")),
    ],
)
def test_introspection_needs_a_confidential_client_that_authenticates(
    introspection_case: dict[str, Any], claimed: str, data: dict[str, str], authorization: str | None
) -> None:
    """RFC 7662 §2.1: the caller must be authorized to introspect; a client_id proves nothing.
    Each caller asks about a token of the client it claims to be."""
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    token = introspection_case[claimed]
    response = form_post(DjangoClient(), "/oauth/introspect/", {"token": token, **data}, **extra)
    assert "active" not in response.json(), response.content
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert response["Cache-Control"] == "no-store"


def test_introspection_by_an_authenticated_confidential_client_works(introspection_case: dict[str, Any]) -> None:
    secret, token = introspection_case["secret"], introspection_case["example"]
    assert _introspect(DjangoClient(), token, secret)["active"] is True  # client_secret_basic
    posted = form_post(
        DjangoClient(), "/oauth/introspect/", {"token": token, "client_id": "example", "client_secret": secret}
    )
    assert posted.status_code == 200 and posted.json()["active"] is True  # client_secret_post


def test_failed_introspection_authentication_is_throttled(settings: Any, introspection_case: dict[str, Any]) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "OAUTH2_THROTTLE_CLIENT_FAILURES": 3}
    api, token = DjangoClient(), introspection_case["spa"]
    for data in ({"client_id": "spa", "client_secret": ""}, {"client_id": "spa"}, {"client_id": "spa"}):
        response = form_post(api, "/oauth/introspect/", {"token": token, **data}, HTTP_AUTHORIZATION="Bearer x")
        assert response.status_code == 401
    blocked = form_post(
        api, "/oauth/introspect/", {"token": token}, HTTP_AUTHORIZATION=basic("example", introspection_case["secret"])
    )
    assert blocked.status_code == 429 and blocked.json()["error"] == "slow_down"


def test_the_server_itself_refuses_introspection_by_a_public_client(introspection_case: dict[str, Any]) -> None:
    """The rule lives in the validator too, not only in the view's quick check."""
    from identity.oauth2.server import get_server

    body = urlencode({"token": introspection_case["spa"], "client_id": "spa"})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    _, answer, status = get_server().create_introspect_response(f"{ISSUER}/oauth/introspect/", "POST", body, headers)
    assert status == 401 and json.loads(answer)["error"] == "invalid_client"


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


@pytest.mark.parametrize(
    "verifier",
    [
        "a" * 42,  # too short
        "a" * 129,  # too long
        "a" * 42 + "+",  # outside unreserved: base64's own characters
        "a" * 42 + "/",
        "a" * 42 + "=",
        "a" * 42 + " ",  # white space
        "a" * 42 + "é",  # not ASCII
        "a" * 42 + "\u0660",  # a digit, but not an ASCII one
        "",  # sent empty
    ],
)
def test_a_malformed_code_verifier_is_invalid_request(browser: DjangoClient, app: Any, verifier: str) -> None:
    """RFC 7636 §4.1: 43-128 characters of [A-Z] [a-z] [0-9] - . _ ~. The client sent the
    challenge of this very verifier, so only the format check can refuse it; it is refused as
    a malformed request (RFC 6749 §5.2) before any comparison, and the code is not spent."""
    _, secret = app
    code, _ = get_code(browser, code_challenge=_challenge(verifier))
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    response = form_post(DjangoClient(), "/oauth/token/", data, HTTP_AUTHORIZATION=basic("example", secret))
    assert "access_token" not in response.json()
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert AuthorizationCode.objects.get().used_at is None and not Grant.objects.exists()


@pytest.mark.parametrize(
    "verifier",
    [
        "a" * 43,
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~",
        ("Az09-._~" * 16)[:128],
    ],
)
def test_a_well_formed_code_verifier_of_43_to_128_characters_works(
    browser: DjangoClient, app: Any, verifier: str
) -> None:
    _, secret = app
    code, _ = get_code(browser, code_challenge=_challenge(verifier))
    response = exchange(DjangoClient(), code, verifier, secret)
    assert response.status_code == 200, response.content


def test_a_used_code_with_a_malformed_verifier_is_still_a_replay(browser: DjangoClient, app: Any) -> None:
    """Presenting a spent code is a replay whatever else is wrong with the request: it revokes
    what the code issued (RFC 6749 §4.1.2), as with a wrong verifier."""
    _, secret = app
    code, verifier = get_code(browser)
    assert exchange(DjangoClient(), code, verifier, secret).status_code == 200
    replay = exchange(DjangoClient(), code, "a" * 42 + "+", secret)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert Grant.objects.get().revoke_reason == "code_replayed"


def test_a_repeated_code_verifier_is_invalid_request(browser: DjangoClient, app: Any) -> None:
    """RFC 6749 §3.2: parameters are sent at most once; two verifiers are never compared."""
    _, secret = app
    code, verifier = get_code(browser)
    body = urlencode(
        [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", "a" * 43),
            ("code_verifier", verifier),
        ]
    )
    response = DjangoClient().post(
        "/oauth/token/",
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic("example", secret),
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert AuthorizationCode.objects.get().used_at is None
