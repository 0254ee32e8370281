"""The relying party's view of a provider: discovery and the JWK Set fetched over real HTTP (a live
server plays the provider), and the strict verification of what the provider signs."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt as pyjwt
import pytest

from identity.client.oidc import provider

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


@pytest.fixture
def op(live_server: Any, settings: Any) -> str:
    settings.IDENTITY = {
        **settings.IDENTITY,
        "ISSUER": live_server.url,
        "OIDC_RP_DISCOVERY_URL": f"{live_server.url}/.well-known/openid-configuration",
        "OIDC_RP_CLIENT_ID": "reports",
    }
    return str(live_server.url)


def _claims(op: str, **extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": op, "aud": "reports", "sub": "42", "iat": now, "exp": now + 60, "jti": "j", **extra}


def _sign(claims: dict[str, Any], typ: str = "JWT") -> str:
    from identity.jwt.tokens import sign

    return sign(claims, typ=typ)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_discovery_and_a_valid_token(op: str) -> None:
    meta = provider.metadata()
    assert meta.issuer == op and meta.iss_parameter_supported and meta.end_session_endpoint
    header, claims = provider.verify(_sign(_claims(op)), audience="reports", required=["iss", "sub"])
    assert claims["sub"] == "42" and header["kid"]


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "someone-else"},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 3600},
        {"iat": int(time.time()) + 3600},
    ],
)
def test_claims_are_checked(op: str, change: dict[str, Any]) -> None:
    with pytest.raises(provider.TokenRejected):
        provider.verify(_sign(_claims(op, **change)), audience="reports", required=["iss", "sub"])


def test_forgeries_are_refused(op: str) -> None:
    good = _sign(_claims(op))
    header = pyjwt.get_unverified_header(good)
    payload = good.split(".")[1]
    forged = [
        _b64({**header, "alg": "none"}) + "." + payload + ".",
        _b64({**header, "alg": "HS256"}) + "." + payload + "." + good.split(".")[2],
        _b64({**header, "crit": ["exp"]}) + "." + payload + "." + good.split(".")[2],
        good[:-6] + ("AAAAAA" if not good.endswith("AAAAAA") else "BBBBBB"),
        "x" * 9000,
        "not-a-jwt",
    ]
    for token in forged:
        with pytest.raises(provider.TokenRejected):
            provider.verify(token, audience="reports", required=["iss"])


def test_unknown_kids_refetch_the_key_set_at_most_once_per_interval(op: str, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "OIDC_RP_JWKS_MIN_REFRESH": 60}
    provider.verify(_sign(_claims(op)), audience="reports", required=["iss"])
    fetched = provider._state.keys_fetched
    good = _sign(_claims(op))
    header = pyjwt.get_unverified_header(good)
    for n in range(20):
        forged = _b64({**header, "kid": f"made-up-{n}"}) + "." + ".".join(good.split(".")[1:])
        with pytest.raises(provider.TokenRejected, match="does not publish"):
            provider.verify(forged, audience="reports", required=["iss"])
    assert provider._state.keys_fetched == fetched + 1  # the first unknown kid refetched once, then no storm


def test_an_unreachable_provider_is_a_provider_error(settings: Any) -> None:
    settings.IDENTITY = {
        **settings.IDENTITY,
        "OIDC_RP_DISCOVERY_URL": "http://127.0.0.1:9/.well-known/openid-configuration",
        "OIDC_RP_TIMEOUT": 0.5,
    }
    with pytest.raises(provider.ProviderError):
        provider.metadata()


def test_a_discovery_document_for_another_issuer_is_refused(op: str, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "ISSUER": "https://somebody-else.example"}
    with pytest.raises(provider.ProviderError, match="does not match"):
        provider.metadata()
