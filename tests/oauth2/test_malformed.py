"""Malformed requests to the provider's endpoints get the protocol's own error, never a 500:
repeated and missing parameters and a wrong content type are ``invalid_request`` (RFC 6749 §3.1,
§3.2, §4.1.2.1, §5.2; RFC 7009 §2.2.1; RFC 7662 §2.3; RFC 8628 §3.2); a protected resource
answers a non-Bearer credential with a Bearer challenge (RFC 6750 §3)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client as DjangoClient

from identity.oauth2.models import ClientType, GrantType
from tests.oauth2.conftest import FORM, REDIRECT, authorize_url, basic, exchange, get_code, pkce, query_of

pytestmark = pytest.mark.django_db

TOKEN_PATHS = ["/oauth/token/", "/oauth/revoke/", "/oauth/introspect/", "/oauth/device_authorization/"]


@pytest.fixture
def browser(signed_in: DjangoClient) -> DjangoClient:
    """A signed-in browser: the suite's ``signed_in`` client."""
    return signed_in


@pytest.fixture
def device_app(make_client: Any) -> tuple[Any, str]:
    client, secret = make_client(grant_types=[GrantType.DEVICE_CODE, GrantType.REFRESH_TOKEN])
    return client, secret


def _post(path: str, pairs: list[tuple[str, str]], secret: str | None = None, **extra: Any) -> Any:
    if secret is not None:
        extra["HTTP_AUTHORIZATION"] = basic("example", secret)
    return DjangoClient().post(path, urlencode(pairs), content_type=FORM, **extra)


def _assert_error(response: Any, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"] == error, response.content
    assert response["Cache-Control"] == "no-store"


# --- The token endpoint -------------------------------------------------------------------------


def _code_pairs(code: str, verifier: str) -> list[tuple[str, str]]:
    return [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
    ]


@pytest.mark.parametrize("repeated", ["grant_type", "code", "redirect_uri", "code_verifier"])
def test_a_repeated_parameter_of_the_code_grant_is_invalid_request(
    repeated: str, browser: DjangoClient, app: Any
) -> None:
    _, secret = app
    code, verifier = get_code(browser)
    pairs = _code_pairs(code, verifier)
    pairs.append(next(pair for pair in pairs if pair[0] == repeated))
    _assert_error(_post("/oauth/token/", pairs, secret), "invalid_request")
    # The request was refused before the code was looked at: it still works once.
    assert exchange(DjangoClient(), code, verifier, secret).status_code == 200


def test_conflicting_grant_types_are_invalid_request(app: Any) -> None:
    _, secret = app
    pairs = [("grant_type", "refresh_token"), ("grant_type", "client_credentials"), ("refresh_token", "x")]
    _assert_error(_post("/oauth/token/", pairs, secret), "invalid_request")


@pytest.mark.parametrize("repeated", ["refresh_token", "scope", "client_id", "client_secret"])
def test_a_repeated_parameter_of_the_refresh_grant_is_invalid_request(
    repeated: str, browser: DjangoClient, app: Any
) -> None:
    _, secret = app
    code, verifier = get_code(browser)
    refresh = exchange(DjangoClient(), code, verifier, secret).json()["refresh_token"]
    pairs = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh),
        ("scope", "openid"),
        ("client_id", "example"),
        ("client_secret", secret),
    ]
    pairs.append(next(pair for pair in pairs if pair[0] == repeated))
    _assert_error(_post("/oauth/token/", pairs), "invalid_request")
    again = _post("/oauth/token/", pairs[:-1])
    assert again.status_code == 200, again.content  # not spent, family not revoked


def test_a_repeated_device_code_is_invalid_request(device_app: Any) -> None:
    _, secret = device_app
    started = _post("/oauth/device_authorization/", [("scope", "openid")], secret).json()
    pairs = [("grant_type", GrantType.DEVICE_CODE), ("device_code", started["device_code"])] * 2
    _assert_error(_post("/oauth/token/", pairs[:3], secret), "invalid_request")


@pytest.mark.parametrize(
    "pairs",
    [
        [],
        [("code", "abc"), ("redirect_uri", REDIRECT)],  # no grant_type
        [("grant_type", "")],  # empty is omitted (RFC 6749 §3.1)
        [("client_id", "example")],
    ],
)
def test_a_missing_grant_type_is_invalid_request(pairs: list[tuple[str, str]], app: Any) -> None:
    _, secret = app
    _assert_error(_post("/oauth/token/", pairs, secret), "invalid_request")


def test_an_unknown_grant_type_stays_unsupported_grant_type(app: Any) -> None:
    _, secret = app
    _assert_error(_post("/oauth/token/", [("grant_type", "password")], secret), "unsupported_grant_type")


@pytest.mark.parametrize(
    ("required", "pairs"),
    [
        ("code", [("grant_type", "authorization_code"), ("redirect_uri", REDIRECT)]),
        ("refresh_token", [("grant_type", "refresh_token")]),
        ("device_code", [("grant_type", GrantType.DEVICE_CODE)]),
    ],
)
def test_a_missing_grant_parameter_is_invalid_request(
    required: str, pairs: list[tuple[str, str]], make_client: Any
) -> None:
    _, secret = make_client(grant_types=[GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN, GrantType.DEVICE_CODE])
    _assert_error(_post("/oauth/token/", pairs, secret), "invalid_request")


# --- Revocation, introspection, device authorization ----------------------------------------------


@pytest.mark.parametrize("path", ["/oauth/revoke/", "/oauth/introspect/"])
@pytest.mark.parametrize("repeated", ["token", "token_type_hint", "client_id"])
def test_a_repeated_parameter_at_revocation_and_introspection_is_invalid_request(
    path: str, repeated: str, app: Any
) -> None:
    _, secret = app
    pairs = [("token", "abc"), ("token_type_hint", "access_token"), ("client_id", "example")]
    pairs.append(next(pair for pair in pairs if pair[0] == repeated))
    _assert_error(_post(path, pairs, secret), "invalid_request")


@pytest.mark.parametrize("path", ["/oauth/revoke/", "/oauth/introspect/"])
def test_a_missing_token_is_invalid_request(path: str, app: Any) -> None:
    _, secret = app
    _assert_error(_post(path, [], secret), "invalid_request")
    _assert_error(_post(path, [("token", "")], secret), "invalid_request")


def test_public_revocation_with_a_repeated_client_id_is_invalid_request(make_client: Any) -> None:
    make_client(client_type=ClientType.PUBLIC)
    pairs = [("token", "abc"), ("client_id", "example"), ("client_id", "example")]
    _assert_error(_post("/oauth/revoke/", pairs), "invalid_request")


@pytest.mark.parametrize("repeated", [("scope", "openid"), ("client_id", "example")])
def test_a_repeated_parameter_at_device_authorization_is_invalid_request(
    repeated: tuple[str, str], device_app: Any
) -> None:
    _, secret = device_app
    pairs = [("scope", "openid"), ("client_id", "example"), repeated]
    _assert_error(_post("/oauth/device_authorization/", pairs, secret), "invalid_request")


@pytest.mark.parametrize("path", TOKEN_PATHS)
@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "multipart/form-data; boundary=x", "", "application/x-www-form"]
)
def test_a_body_that_is_not_a_form_is_invalid_request(path: str, content_type: str, app: Any) -> None:
    _, secret = app
    response = DjangoClient().post(
        path,
        b"grant_type=client_credentials&token=x",
        content_type=content_type,
        HTTP_AUTHORIZATION=basic("example", secret),
    )
    _assert_error(response, "invalid_request")


@pytest.mark.parametrize("path", TOKEN_PATHS)
@pytest.mark.parametrize(
    "body",
    [
        b"grant_type=%ZZ&token=%",  # invalid percent-encoding
        b"grant_type=\xff\xfe&token=\xc3",  # invalid UTF-8
        b"grant_type=client_credentials%00&token=a%00b",  # NUL bytes
        b"grant_type=%ED%A0%80&token=%ED%A0%80",  # an encoded lone surrogate
        b"token=" + b"x" * 100_000 + b"&grant_type=" + b"y" * 100_000,  # very long values
        b"\x00\x01\x02",
        b"&&&===&",
    ],
)
def test_garbage_in_the_form_is_an_oauth_error(path: str, body: bytes, app: Any) -> None:
    _, secret = app
    response = DjangoClient().post(path, body, content_type=FORM, HTTP_AUTHORIZATION=basic("example", secret))
    if response.status_code == 200:  # an unknown token is not an error (RFC 7009 §2.2, RFC 7662 §2.2)
        assert path in {"/oauth/revoke/", "/oauth/introspect/"}, response.content[:300]
        assert response.content in {b"", b'{"active": false}'}
        return
    assert 400 <= response.status_code < 500, response.content[:300]
    errors = {"invalid_request", "invalid_grant", "unsupported_grant_type", "invalid_client", "unauthorized_client"}
    assert response.json()["error"] in errors


@pytest.mark.parametrize("path", TOKEN_PATHS)
@pytest.mark.parametrize(
    ("client_id", "error", "status"),
    [
        # Unreadable (a NUL, bytes that are not UTF-8): "otherwise malformed", RFC 6749 §5.2,
        # refused by the request-parsing layer before any lookup (PostgreSQL would 500 on a NUL).
        ("ex%00ample", "invalid_request", 400),
        ("%00", "invalid_request", 400),
        ("%ED%A0%80", "invalid_request", 400),
        ("x" * 5000, "invalid_client", 401),  # readable, and no client's
    ],
)
def test_a_client_id_that_names_no_client_is_invalid_client(
    path: str, client_id: str, error: str, status: int, app: Any
) -> None:
    """A NUL byte never reaches the database (PostgreSQL would refuse it: a 500)."""
    body = f"grant_type=client_credentials&token=x&client_id={client_id}&client_secret=s"
    response = DjangoClient().post(path, body, content_type=FORM)
    _assert_error(response, error, status)
    response = DjangoClient().post(path, body.replace("&client_secret=s", ""), content_type=FORM)
    assert response.status_code in {400, 401}, response.content
    assert response.json()["error"] in {"invalid_client", "invalid_request"}


@pytest.mark.parametrize("path", TOKEN_PATHS)
@pytest.mark.parametrize("query", ["%00", "a=%ZZ", "grant_type=x", "%ED%A0%80=1", "%ff"])
def test_garbage_in_the_query_string_is_invalid_request(path: str, query: str, app: Any) -> None:
    _, secret = app
    response = DjangoClient().post(
        f"{path}?{query}", "token=x", content_type=FORM, HTTP_AUTHORIZATION=basic("example", secret)
    )
    _assert_error(response, "invalid_request")


@pytest.mark.parametrize("path", TOKEN_PATHS)
@pytest.mark.parametrize(
    "authorization", ["Basic", "Basic !!!", "Basic " + "A" * 10_000, "Basic AA==", "Basic w6k6w6k=", "Bearer x", "\x00"]
)
def test_a_malformed_client_authorization_is_invalid_client(path: str, authorization: str, app: Any) -> None:
    response = DjangoClient().post(
        path, "grant_type=client_credentials&token=x", content_type=FORM, HTTP_AUTHORIZATION=authorization
    )
    assert response.status_code in {400, 401}, response.content[:300]
    assert response.json()["error"] in {"invalid_client", "invalid_request"}


# --- The authorization endpoint -------------------------------------------------------------------


@pytest.mark.parametrize("repeated", ["client_id", "redirect_uri", "response_type"])
def test_a_repeated_client_or_redirect_is_shown_on_our_page_not_redirected(
    repeated: str, browser: DjangoClient, app: Any
) -> None:
    _, challenge = pkce()
    url = authorize_url(code_challenge=challenge, code_challenge_method="S256")
    value = {"client_id": "example", "redirect_uri": REDIRECT, "response_type": "code"}[repeated]
    response = browser.get(f"{url}&{urlencode({repeated: value})}")
    assert response.status_code == 400 and "Location" not in response
    assert b"Duplicate" in response.content


@pytest.mark.parametrize(
    "repeated",
    [
        ("nonce", "n2"),
        ("code_challenge", "A" * 43),
        ("code_challenge_method", "S256"),
        ("prompt", "none"),
        ("max_age", "5"),
        ("id_token_hint", "x"),
        ("login_hint", "bob"),
    ],
)
def test_any_other_repeated_parameter_is_invalid_request_at_the_client(
    repeated: tuple[str, str], browser: DjangoClient, app: Any
) -> None:
    _, challenge = pkce()
    url = authorize_url(code_challenge=challenge, code_challenge_method="S256", state="s1", nonce="n1")
    response = browser.get(f"{url}&{urlencode([repeated, repeated])}")  # twice, given before or not
    assert response.status_code == 302, response.content[:300]
    query = query_of(response["Location"])
    assert response["Location"].startswith(REDIRECT)
    assert query["error"] == "invalid_request" and query["state"] == "s1" and "code" not in query


@pytest.mark.parametrize("max_age", ["-1", "1.5", "9" * 40, "1e3", "²", "١٢", " 5", "0x10", "NaN"])
def test_max_age_that_is_not_a_number_of_seconds_is_invalid_request(
    max_age: str, browser: DjangoClient, app: Any
) -> None:
    _, challenge = pkce()
    response = browser.get(authorize_url(code_challenge=challenge, code_challenge_method="S256", max_age=max_age))
    assert response.status_code == 302, response.content[:300]
    assert query_of(response["Location"])["error"] == "invalid_request"


@pytest.mark.parametrize(
    "query",
    [
        "client_id=%00&redirect_uri=%00",
        "client_id=example&redirect_uri=" + "x" * 50_000,
        "client_id=" + "x" * 50_000,
        "client_id=%ZZ&response_type=%",
        "client_id=example&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&response_type=code&scope=%ED%A0%80",
        "client_id=example&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&response_type=code&state=%00%01",
        "client_id=%ff%fe",
        "%ED%A0%80=1",
    ],
)
def test_garbage_at_the_authorization_endpoint_never_fails_the_server(
    query: str, browser: DjangoClient, app: Any
) -> None:
    for client in (DjangoClient(), browser):
        for response in (client.get(f"/oauth/authorize/?{query}"), client.post(f"/oauth/authorize/?{query}", {})):
            assert response.status_code in {302, 400}, response.content[:300]
            if response.status_code == 302 and response["Location"].startswith(REDIRECT):
                assert "code" not in query_of(response["Location"])


# --- UserInfo, a protected resource (RFC 6750) ---------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "authorization",
    ["Basic " + "YWxpY2U6YWxpY2UtcGFzcw==", "Basic d3Jvbmc6d3Jvbmc=", "Digest username=alice", "Token abc", "basic x"],
)
@pytest.mark.parametrize("path", ["/oauth/userinfo/", "/oauth/userinfo"])
def test_userinfo_answers_another_scheme_with_a_bare_bearer_challenge(
    method: str, authorization: str, path: str, alice: Any, app: Any
) -> None:
    """RFC 6750 §3.1: an unsupported authentication method counts as no authentication: 401 and
    a Bearer challenge without an error code; never the Basic challenge of the site's own APIs,
    not even on the URL without its slash (which only redirects to the endpoint)."""
    response = getattr(DjangoClient(), method)(path, HTTP_AUTHORIZATION=authorization)
    if path == "/oauth/userinfo":
        assert response.status_code == 301 and response["Location"] == "/oauth/userinfo/"
        assert "WWW-Authenticate" not in response
        return
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Bearer realm="userinfo"'


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer  ", "Bearer a b", "Bearer \x00"])
def test_userinfo_answers_a_malformed_bearer_credential_with_invalid_request(authorization: str, app: Any) -> None:
    response = DjangoClient().get("/oauth/userinfo/", HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 400, response.content
    assert response["WWW-Authenticate"].startswith('Bearer realm="userinfo", error="invalid_request"')
    assert response.json()["error"] == "invalid_request"


def test_userinfo_without_credentials_is_a_bare_bearer_challenge(app: Any) -> None:
    response = DjangoClient().get("/oauth/userinfo/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="userinfo"'


@pytest.mark.parametrize(
    ("query", "body"),
    [
        ("", "access_token=a&access_token=b"),
        ("%00", ""),
        ("", "access_token=%00"),
        ("", "access_token=" + "x" * 100_000),
        ("", "access_token=%ED%A0%80"),
    ],
)
def test_userinfo_garbage_is_a_bearer_error(query: str, body: str, app: Any) -> None:
    response = DjangoClient().post(f"/oauth/userinfo/?{query}", body, content_type=FORM)
    assert response.status_code in {400, 401}, response.content[:300]
    assert response["WWW-Authenticate"].startswith('Bearer realm="userinfo"')


# --- Other provider pages -------------------------------------------------------------------------


@pytest.mark.parametrize("client_id", ["%00", "ex%00ample", "%ED%A0%80", "x" * 3000])
def test_disconnecting_an_app_that_cannot_exist_is_404(client_id: str, browser: DjangoClient, app: Any) -> None:
    response = browser.post(f"/accounts/security/apps/{client_id}/disconnect/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "client_id=%00&post_logout_redirect_uri=%00",
        "client_id=ex%00ample&id_token_hint=%00",
        "id_token_hint=" + "a" * 20_000,
        "client_id=example&client_id=other&post_logout_redirect_uri=https%3A%2F%2Fapp.example.com%2Fbye",
        "post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F&state=%ED%A0%80",
    ],
)
def test_garbage_at_end_session_never_fails_the_server(query: str, browser: DjangoClient, app: Any) -> None:
    for method in ("get", "post"):
        response = getattr(browser, method)(f"/oauth/logout/?{query}")
        assert response.status_code < 500, response.content[:300]
        assert not response.get("Location", "").startswith("https://evil.example")
