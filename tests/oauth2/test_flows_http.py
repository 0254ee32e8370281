"""Complete flows over real HTTP against a live server, driven by independent libraries: authlib
as the OAuth client, joserfc to verify what the provider signs against its published JWK Set."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet

from identity.oauth2.models import ClientType, GrantType
from tests.oauth2.browser import csrf_token, follow_to_client, sign_in
from tests.oauth2.conftest import REDIRECT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


@pytest.fixture
def server(live_server: Any, settings: Any) -> str:
    settings.IDENTITY = {**settings.IDENTITY, "ISSUER": live_server.url, "SECURE_COOKIES": False}  # plain http
    return str(live_server.url)


@pytest.fixture
def discovery(server: str) -> dict[str, Any]:
    response = requests.get(f"{server}/.well-known/openid-configuration", timeout=10)
    assert response.status_code == 200
    return response.json()


def _keys(discovery: dict[str, Any]) -> KeySet:
    return KeySet.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())


def _verify(token: str, discovery: dict[str, Any], *, typ: str, aud: str) -> dict[str, Any]:
    decoded = jwt.decode(token, _keys(discovery))
    assert decoded.header["typ"] == typ and decoded.header["kid"]
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]}, aud={"essential": True, "value": aud}
    ).validate(decoded.claims)
    return dict(decoded.claims)


def _session(client_id: str, secret: str | None, **kw: Any) -> OAuth2Session:
    return OAuth2Session(
        client_id,
        secret,
        scope="openid profile email",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        **kw,
    )


def _code_flow(server: str, discovery: dict[str, Any], oauth: OAuth2Session, **extra: str) -> dict[str, Any]:
    verifier = "v" * 20 + str(time.time_ns()) + "x" * 30
    url, state = oauth.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce="nonce-1", **extra
    )
    location = follow_to_client(sign_in(server), url)
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["iss"] == discovery["issuer"] and query["state"] == state  # RFC 9207
    return oauth.fetch_token(discovery["token_endpoint"], authorization_response=location, code_verifier=verifier)


def test_discovery_document(discovery: dict[str, Any], server: str) -> None:
    assert discovery["issuer"] == server
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["authorization_response_iss_parameter_supported"] is True
    assert discovery["backchannel_logout_supported"] is True
    assert "password" not in discovery["grant_types_supported"]
    assert "implicit" not in discovery["grant_types_supported"]
    for name in ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint",
                 "revocation_endpoint", "introspection_endpoint", "device_authorization_endpoint"]:  # fmt: skip
        assert discovery[name].startswith(server + "/")
    same = requests.get(f"{server}/.well-known/oauth-authorization-server", timeout=10).json()
    assert same == discovery


def test_code_flow_with_pkce_userinfo_refresh_introspection_and_revocation(
    server: str, discovery: dict[str, Any], make_client: Any, alice: Any
) -> None:
    _, secret = make_client()
    oauth = _session("example", secret)
    token = _code_flow(server, discovery, oauth)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 300
    id_claims = _verify(token["id_token"], discovery, typ="JWT", aud="example")
    assert id_claims["nonce"] == "nonce-1" and id_claims["sub"] == str(alice.pk) and "sid" in id_claims
    access = _verify(token["access_token"], discovery, typ="at+jwt", aud=server)
    assert access["client_id"] == "example" and access["scope"] == "openid profile email"
    # userinfo, GET and POST, claims by scope
    info = oauth.get(discovery["userinfo_endpoint"], timeout=10)
    assert info.status_code == 200
    assert info.json() == {
        "sub": str(alice.pk),
        "name": "Alice Liddell",
        "given_name": "Alice",
        "family_name": "Liddell",
        "preferred_username": "alice",
        "email": "alice@example.com",
    }
    posted = requests.post(discovery["userinfo_endpoint"], data={"access_token": token["access_token"]}, timeout=10)
    assert posted.json()["sub"] == str(alice.pk)
    in_url = requests.get(discovery["userinfo_endpoint"], params={"access_token": token["access_token"]}, timeout=10)
    assert in_url.status_code == 400  # never in a URL (RFC 6750 §2.3)
    # refresh rotation
    refreshed = oauth.refresh_token(discovery["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    # introspection by the client
    active = oauth.introspect_token(discovery["introspection_endpoint"], token=refreshed["access_token"]).json()
    assert active["active"] is True and active["client_id"] == "example" and active["username"] == "alice"
    assert oauth.introspect_token(discovery["introspection_endpoint"], token="unknown").json() == {"active": False}
    # revocation of the access token ends the family and takes effect at once
    revoked = oauth.revoke_token(discovery["revocation_endpoint"], token=refreshed["access_token"])
    assert revoked.status_code == 200
    gone = requests.get(
        discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {refreshed['access_token']}"}, timeout=10
    )
    assert gone.status_code == 401 and 'error="invalid_token"' in gone.headers["WWW-Authenticate"]
    api = requests.get(f"{server}/api/whoami/", headers={"Authorization": f"Bearer {refreshed['access_token']}"})
    assert api.status_code == 401  # the JWT is denylisted, not just forgotten
    with pytest.raises(Exception, match="invalid_grant"):
        oauth.refresh_token(discovery["token_endpoint"], refresh_token=refreshed["refresh_token"])


def test_revocation_only_touches_the_callers_tokens(
    server: str, discovery: dict[str, Any], make_client: Any, alice: Any
) -> None:
    _, secret = make_client()
    _, other_secret = make_client(client_id="other")
    token = _code_flow(server, discovery, _session("example", secret))
    other = _session("other", other_secret)
    assert other.revoke_token(discovery["revocation_endpoint"], token=token["refresh_token"]).status_code == 200
    assert other.introspect_token(discovery["introspection_endpoint"], token=token["access_token"]).json() == {
        "active": False
    }  # not the caller's: nothing to see
    mine = _session("example", secret).introspect_token(
        discovery["introspection_endpoint"], token=token["access_token"]
    )
    assert mine.json()["active"] is True


def test_public_client_code_flow(server: str, discovery: dict[str, Any], make_client: Any, alice: Any) -> None:
    make_client(client_id="spa", client_type=ClientType.PUBLIC)
    oauth = _session("spa", None, token_endpoint_auth_method="none")
    token = _code_flow(server, discovery, oauth)
    assert token["access_token"] and token["id_token"]


def test_consent_flow_for_an_untrusted_client(
    server: str, discovery: dict[str, Any], make_client: Any, alice: Any
) -> None:
    _, secret = make_client(client_id="third", trusted=False)
    token = _code_flow(server, discovery, _session("third", secret))
    assert token["access_token"]


def test_client_credentials(server: str, discovery: dict[str, Any], make_client: Any, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "OAUTH2_SCOPES": {"openid": "Sign in", "reports:read": "Read reports"}}
    _, secret = make_client(
        client_id="svc", grant_types=[GrantType.CLIENT_CREDENTIALS], scopes="reports:read", redirect_uris=""
    )
    oauth = OAuth2Session("svc", secret, scope="reports:read")
    token = oauth.fetch_token(discovery["token_endpoint"], grant_type="client_credentials")
    claims = _verify(token["access_token"], discovery, typ="at+jwt", aud=server)
    assert claims["sub"] == "client:svc" and claims["scope"] == "reports:read"
    assert "refresh_token" not in token


def test_device_flow(server: str, discovery: dict[str, Any], make_client: Any, alice: Any) -> None:
    make_client(
        client_id="cli",
        client_type=ClientType.PUBLIC,
        grant_types=[GrantType.DEVICE_CODE, GrantType.REFRESH_TOKEN],
        redirect_uris="",
    )
    start = requests.post(
        discovery["device_authorization_endpoint"], data={"client_id": "cli", "scope": "openid profile"}, timeout=10
    )
    assert start.status_code == 200, start.text
    grant = start.json()
    assert grant["verification_uri"] == f"{server}/device/" and grant["interval"] == 5
    poll = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": grant["device_code"],
        "client_id": "cli",
    }
    pending = requests.post(discovery["token_endpoint"], data=poll, timeout=10)
    assert pending.json()["error"] == "authorization_pending"
    too_fast = requests.post(discovery["token_endpoint"], data=poll, timeout=10)
    assert too_fast.json()["error"] == "slow_down"  # RFC 8628 §3.5
    # The user types the code on site A.
    browser = sign_in(server)
    page = browser.get(grant["verification_uri_complete"], timeout=10)
    typed = grant["user_code"].lower().replace("-", " ")
    confirm = browser.post(
        f"{server}/device/", data={"user_code": typed, "csrfmiddlewaretoken": csrf_token(page.text)}, timeout=10
    )
    assert confirm.status_code == 200 and grant["user_code"] in confirm.text
    done = browser.post(
        f"{server}/device/",
        data={"user_code": grant["user_code"], "decision": "approve", "csrfmiddlewaretoken": csrf_token(confirm.text)},
        timeout=10,
    )
    assert 'data-testid="device-result"' in done.text
    from identity.oauth2.models import DeviceAuthorization

    DeviceAuthorization.objects.update(last_polled_at=None)  # the device waited its interval
    token = requests.post(discovery["token_endpoint"], data=poll, timeout=10)
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["refresh_token"] and _verify(body["id_token"], discovery, typ="JWT", aud="cli")["sub"] == str(alice.pk)
    again = requests.post(discovery["token_endpoint"], data=poll, timeout=10)
    assert again.json()["error"] in {"invalid_grant", "expired_token"}


def test_device_denied(server: str, discovery: dict[str, Any], make_client: Any, alice: Any) -> None:
    make_client(client_id="cli", client_type=ClientType.PUBLIC, grant_types=[GrantType.DEVICE_CODE], redirect_uris="")
    grant = requests.post(discovery["device_authorization_endpoint"], data={"client_id": "cli"}, timeout=10).json()
    browser = sign_in(server)
    page = browser.get(f"{server}/device/", timeout=10)
    browser.post(
        f"{server}/device/",
        data={"user_code": grant["user_code"], "decision": "deny", "csrfmiddlewaretoken": csrf_token(page.text)},
        timeout=10,
    )
    poll = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": grant["device_code"],
        "client_id": "cli",
    }
    assert requests.post(discovery["token_endpoint"], data=poll, timeout=10).json()["error"] == "access_denied"


def test_s256_challenge_helper_matches(make_client: Any) -> None:
    from identity.client.oidc.flow import s256

    assert s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == create_s256_code_challenge(
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    )
