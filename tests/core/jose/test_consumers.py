"""Both consumers of the JOSE stack, the remote JWT verifier (identity.jwt.remote) and the OpenID
relying party (identity.client.oidc.provider), against one real issuer over HTTP: the same
Cache-Control handling, the same unknown-kid rule, the same failure handling and the same
refusals, since both go through identity.core.jose."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client

from identity.client.oidc import provider
from identity.client.oidc.models import OIDCRemoteSession
from identity.exceptions import InvalidToken
from identity.jwt import remote
from identity.sessions.models import EndReason, UserSession
from tests.core.jose.conftest import DECOYS, DISCOVERY, Issuer

AUDIENCE = "reports"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


@dataclass(frozen=True)
class Consumer:
    name: str
    typ: str  # what its tokens carry
    cache_setting: str  # the longest a JWK Set is kept
    interval_setting: str  # the refetch interval
    refusal: type[Exception]
    settings: Callable[[Issuer], dict[str, Any]]
    verify: Callable[[str], dict[str, Any]]


REMOTE = Consumer(
    name="remote JWT verifier",
    typ="at+jwt",
    cache_setting="REMOTE_JWKS_CACHE_SECONDS",
    interval_setting="REMOTE_JWKS_REFETCH_INTERVAL",
    refusal=InvalidToken,
    settings=lambda issuer: {
        "REMOTE_JWT_ISSUER": issuer.url,
        "REMOTE_JWT_JWKS_URL": issuer.jwks_url,
        "REMOTE_JWT_AUDIENCE": AUDIENCE,
    },
    verify=remote.verify_remote,
)
RELYING_PARTY = Consumer(
    name="OpenID relying party",
    typ="JWT",
    cache_setting="OIDC_RP_METADATA_CACHE_SECONDS",
    interval_setting="OIDC_RP_JWKS_MIN_REFRESH",
    refusal=provider.TokenRejected,
    settings=lambda issuer: {"OIDC_RP_DISCOVERY_URL": issuer.url + DISCOVERY, "OIDC_RP_CLIENT_ID": AUDIENCE},
    verify=lambda token: provider.verify(token, audience=AUDIENCE, required=["iss", "sub", "aud", "exp", "iat"])[1],
)


@pytest.fixture(params=[REMOTE, RELYING_PARTY], ids=lambda c: c.name)
def consumer(request: Any) -> Consumer:
    return request.param


@pytest.fixture
def configure(settings: Any, issuer: Issuer, consumer: Consumer) -> Iterator[Callable[..., None]]:
    def apply(cache_seconds: float = 300, interval: float = 30) -> None:
        settings.IDENTITY = {
            **settings.IDENTITY,
            **consumer.settings(issuer),
            consumer.cache_setting: cache_seconds,
            consumer.interval_setting: interval,
        }

    apply()
    yield apply


def claims(issuer: Issuer, **extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": issuer.url, "aud": AUDIENCE, "sub": "42", "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}


def good(issuer: Issuer, consumer: Consumer, **header: Any) -> str:
    return issuer.sign(claims(issuer), typ=consumer.typ, **header)


def test_a_good_token_is_accepted(issuer: Issuer, consumer: Consumer, configure: Any) -> None:
    assert consumer.verify(good(issuer, consumer))["sub"] == "42"


def test_cache_control_max_age_is_honoured(issuer: Issuer, consumer: Consumer, configure: Any) -> None:
    issuer.cache_control = "public, max-age=1"
    configure(interval=0.2)
    for _ in range(3):
        assert consumer.verify(good(issuer, consumer))["sub"] == "42"
    assert issuer.jwks_hits == 1
    time.sleep(1.1)
    assert consumer.verify(good(issuer, consumer))["sub"] == "42"
    assert issuer.jwks_hits == 2


def test_max_age_is_bounded_by_the_cache_setting(issuer: Issuer, consumer: Consumer, configure: Any) -> None:
    issuer.cache_control = "public, max-age=86400"
    configure(cache_seconds=0.5, interval=0.1)
    assert consumer.verify(good(issuer, consumer))["sub"] == "42"
    time.sleep(0.6)
    assert consumer.verify(good(issuer, consumer))["sub"] == "42"
    assert issuer.jwks_hits == 2


def test_max_age_zero_is_bounded_by_the_refetch_interval(issuer: Issuer, consumer: Consumer, configure: Any) -> None:
    issuer.cache_control = "no-store"
    for _ in range(20):
        assert consumer.verify(good(issuer, consumer))["sub"] == "42"
    assert issuer.jwks_hits == 2  # the load and one refetch of the stale set, not one per token


def test_unknown_kids_refetch_at_most_once_per_interval(issuer: Issuer, consumer: Consumer, configure: Any) -> None:
    assert consumer.verify(good(issuer, consumer))["sub"] == "42"
    for n in range(30):
        with pytest.raises(consumer.refusal, match="unknown or retired key"):
            consumer.verify(good(issuer, consumer, kid=f"forged-{n}"))
    assert issuer.jwks_hits == 2  # the load, then one refetch for all the forged kids


def test_an_emergency_rotation_is_picked_up_through_the_unknown_kid(
    issuer: Issuer, consumer: Consumer, configure: Any
) -> None:
    old = good(issuer, consumer)
    assert consumer.verify(old)["sub"] == "42"
    issuer.add_key()
    assert consumer.verify(good(issuer, consumer))["sub"] == "42"
    assert issuer.jwks_hits == 2


@pytest.mark.parametrize("mode", ["down", "garbage", "huge"])
def test_a_failing_jwk_set_keeps_the_cached_keys(issuer: Issuer, consumer: Consumer, configure: Any, mode: str) -> None:
    issuer.cache_control = "max-age=0"
    assert consumer.verify(good(issuer, consumer))["sub"] == "42"
    issuer.mode = mode
    for _ in range(3):
        assert consumer.verify(good(issuer, consumer))["sub"] == "42"
    assert issuer.jwks_hits == 2  # one failed refetch, then it waits for the interval


@pytest.mark.parametrize(
    "header",
    [
        {"jku": DECOYS[0]},
        {"x5u": DECOYS[1]},
        {"jwk": {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}},
        {"x5c": ["MIIBszCCAVmgAwIBAgIU"]},
        {"crit": ["exp"]},
    ],
    ids=lambda h: next(iter(h)),
)
def test_headers_naming_keys_are_refused(
    issuer: Issuer, consumer: Consumer, configure: Any, header: dict[str, Any]
) -> None:
    header = {name: issuer.url + value if name in {"jku", "x5u"} else value for name, value in header.items()}
    with pytest.raises(consumer.refusal, match="not accepted"):
        consumer.verify(good(issuer, consumer, **header))
    assert all(issuer.hits[path] == 0 for path in DECOYS)  # never followed


def test_hmac_keyed_with_the_published_key_is_refused(issuer: Issuer, consumer: Consumer, configure: Any) -> None:
    public = issuer.keys[issuer.kid].public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    header = b64(json.dumps({"alg": "HS256", "kid": issuer.kid, "typ": consumer.typ}).encode())
    signing_input = f"{header}.{b64(json.dumps(claims(issuer)).encode())}"
    forged = f"{signing_input}.{b64(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())}"
    with pytest.raises(consumer.refusal, match="algorithm"):
        consumer.verify(forged)


@pytest.mark.parametrize("typ", ["logout+jwt", "refresh+jwt"])
def test_another_kind_of_token_is_refused(issuer: Issuer, consumer: Consumer, configure: Any, typ: str) -> None:
    with pytest.raises(consumer.refusal, match="not of type"):
        consumer.verify(issuer.sign(claims(issuer), typ=typ))


def test_oversized_tokens_are_refused_before_any_fetch(issuer: Issuer, consumer: Consumer, configure: Any) -> None:
    with pytest.raises(consumer.refusal, match="too large"):
        consumer.verify(issuer.sign({**claims(issuer), "pad": "x" * 8000}, typ=consumer.typ))
    assert issuer.jwks_hits == 0


# --- the relying party's back-channel logout ---------------------------------------------------------


@pytest.fixture
def relying_party(settings: Any, issuer: Issuer) -> Issuer:
    settings.IDENTITY = {**settings.IDENTITY, **RELYING_PARTY.settings(issuer)}
    settings.ROOT_URLCONF = "tests.client.urls"
    return issuer


def logout_token(issuer: Issuer, sid: str, typ: str | None = "logout+jwt") -> str:
    now = int(time.time())
    payload = {
        "iss": issuer.url,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 120,
        "jti": uuid.uuid4().hex,
        "sid": sid,
        "events": {BACKCHANNEL_EVENT: {}},
    }
    return issuer.sign(payload, typ=typ or "")


def back_channel_logout(token: str) -> Any:
    return Client().post("/accounts/oidc/backchannel-logout/", {"logout_token": token})


def remote_session(issuer: Issuer, user: Any, sid: str) -> UserSession:
    row = UserSession.objects.create(user=user, sealed_session_key="")
    OIDCRemoteSession.objects.create(session=row, issuer=issuer.url, sub="42", remote_sid=sid)
    return row


@pytest.mark.django_db(transaction=True)
def test_back_channel_logout_uses_cached_keys_while_the_jwk_set_fails(relying_party: Issuer, alice: Any) -> None:
    """The provider's JWK Set cannot be fetched, but its keys are cached: the logout is done
    (200), not answered 503."""
    issuer = relying_party
    issuer.cache_control = "max-age=0"  # due for a refetch at the next logout
    row = remote_session(issuer, alice, "sid-1")
    assert back_channel_logout(logout_token(issuer, "another-sid")).status_code == 200  # keys loaded
    issuer.mode = "down"
    response = back_channel_logout(logout_token(issuer, "sid-1"))
    assert response.status_code == 200, response.content
    assert issuer.jwks_hits == 2  # the refetch was tried, and failed
    row.refresh_from_db()
    assert row.ended_at is not None and row.end_reason == EndReason.REMOTE_LOGOUT


def test_the_relying_party_keeps_its_discovery_document_when_a_refetch_fails(
    relying_party: Issuer, settings: Any
) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "OIDC_RP_METADATA_CACHE_SECONDS": 0.3, "OIDC_RP_JWKS_MIN_REFRESH": 30}
    issuer = relying_party
    assert RELYING_PARTY.verify(good(issuer, RELYING_PARTY))["sub"] == "42"
    issuer.discovery_down = True
    time.sleep(0.35)
    for _ in range(3):
        assert RELYING_PARTY.verify(good(issuer, RELYING_PARTY))["sub"] == "42"
    assert issuer.hits[DISCOVERY] == 2  # one failed refetch, then it waits for the interval


@pytest.mark.django_db(transaction=True)
def test_back_channel_logout_is_503_only_when_the_keys_were_never_fetched(relying_party: Issuer) -> None:
    relying_party.mode = "down"
    assert back_channel_logout(logout_token(relying_party, "sid-1")).status_code == 503  # the provider retries


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("typ", "status"), [("logout+jwt", 200), (None, 200), ("JWT", 400), ("at+jwt", 400)])
def test_back_channel_logout_token_types(relying_party: Issuer, typ: str | None, status: int) -> None:
    assert back_channel_logout(logout_token(relying_party, "sid-1", typ)).status_code == status


@pytest.mark.django_db(transaction=True)
def test_back_channel_logout_refuses_key_naming_headers(relying_party: Issuer) -> None:
    issuer = relying_party
    payload = json.loads(base64.urlsafe_b64decode(logout_token(issuer, "sid-1").split(".")[1] + "=="))
    for header in ({"jku": issuer.url + DECOYS[0]}, {"x5u": issuer.url + DECOYS[1]}, {"jwk": {"kty": "EC"}}):
        response = back_channel_logout(issuer.sign(payload, typ="logout+jwt", **header))
        assert response.status_code == 400 and "not accepted" in response.json()["error_description"]
    assert all(issuer.hits[path] == 0 for path in DECOYS)
