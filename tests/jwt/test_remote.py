"""Stateless verification on another service (demo site B's role): the issuer's JWK Set is
fetched once and cached, unknown kids refetch at most once per interval, and a request costs
no SQL and no call to the issuer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client, override_settings

from identity.jwt import denylist, keys
from identity.jwt.remote import key_set
from identity.jwt.tokens import issue_access_token
from tests.jwt.conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)

SESSION = "identity.sessions.authenticator.SessionAuthenticator"
REMOTE = "identity.jwt.remote.RemoteJWTAuthenticator"


@pytest.fixture
def service(jwks_server: Any, settings: Any) -> Iterator[Any]:
    """This process plays both parts: the issuer signs (its key store) and publishes its JWK Set
    on ``jwks_server``; the API accepts tokens only through the remote verifier."""
    settings.IDENTITY = {
        **settings.IDENTITY,
        "JWT_AUDIENCE": "demo-api",
        "AUTHENTICATORS": [SESSION, REMOTE],
        "REMOTE_JWT_ISSUER": "http://testserver",
        "REMOTE_JWT_JWKS_URL": jwks_server.url,
        "REMOTE_JWT_AUDIENCE": "demo-api",
    }
    keys.signing_key()
    jwks_server.document = keys.jwks()
    yield jwks_server


def token_for(user: Any, **kwargs: Any) -> str:
    token, _ = issue_access_token(
        user, client_id="identity", scope="api", extra={"preferred_username": user.get_username()}, **kwargs
    )
    return token


def get(token: str) -> Any:
    return Client().get("/api/whoami/", **bearer(token))


def test_requests_cost_no_sql_and_no_call_to_the_issuer(
    alice: Any, service: Any, django_assert_num_queries: Any
) -> None:
    assert get(token_for(alice)).json() == {"user": "alice", "method": "jwt"}
    assert service.hits == 1
    for _ in range(3):
        token = token_for(alice)  # new tokens: cold verifications, same keys
        with django_assert_num_queries(0):
            assert get(token).status_code == 200
            assert get(token).status_code == 200  # and the cached repeat
    assert service.hits == 1


def test_the_user_is_built_from_the_claims(alice: Any, service: Any) -> None:
    response = Client().get("/plain/whoami/", **bearer(token_for(alice)))
    assert response.json() == {"user": "alice", "method": "jwt"}


def test_tokens_for_other_audiences_are_refused(alice: Any, service: Any) -> None:
    response = get(token_for(alice, audience="another-api"))
    assert response.status_code == 401 and "audience" in response["WWW-Authenticate"]


def test_without_an_audience_every_token_is_refused_never_matched_to_a_placeholder(
    alice: Any, service: Any, settings: Any
) -> None:
    """Unset, the audience is not the string "None": a token claiming aud "None" is refused too."""
    settings.IDENTITY = {**settings.IDENTITY, "REMOTE_JWT_AUDIENCE": None}
    for audience in ("demo-api", "None"):
        response = get(token_for(alice, audience=audience))
        assert response.status_code == 401 and "REMOTE_JWT_AUDIENCE" in response["WWW-Authenticate"]


def test_tokens_of_another_issuer_are_refused(alice: Any, service: Any, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "REMOTE_JWT_ISSUER": "https://id.example.com"}
    response = get(token_for(alice))
    assert response.status_code == 401 and "another issuer" in response["WWW-Authenticate"]


def test_unknown_kids_refetch_at_most_once_per_interval(alice: Any, service: Any) -> None:
    assert get(token_for(alice)).status_code == 200
    stranger = ec.generate_private_key(ec.SECP256R1())
    for n in range(5):
        forged = jwt.encode(
            {"iss": "http://testserver", "aud": "demo-api", "sub": "1", "exp": time.time() + 60, "iat": time.time()},
            stranger,
            algorithm="ES256",
            headers={"kid": f"forged-{n}", "typ": "at+jwt"},
        )
        response = get(forged)
        assert response.status_code == 401 and "unknown or retired key" in response["WWW-Authenticate"]
    assert service.hits == 2  # the first fetch, then one refetch for all the unknown kids


def test_a_new_key_is_picked_up_without_restart(alice: Any, service: Any) -> None:
    old_token = token_for(alice)
    assert get(old_token).status_code == 200
    (new,) = keys.rotate(immediately=True)  # an emergency rotation: no time to wait for caches
    service.document = keys.jwks()
    new_token = token_for(alice)
    assert jwt.get_unverified_header(new_token)["kid"] == new.kid
    assert get(new_token).status_code == 200  # the unknown kid fetched the JWK Set again
    assert get(old_token).status_code == 200
    assert service.hits == 2


def test_the_jwk_set_is_refetched_when_its_cache_lifetime_ends(alice: Any, service: Any, settings: Any) -> None:
    service.cache_control = "public, max-age=0"  # the issuer's max-age caps our cache lifetime
    assert get(token_for(alice)).status_code == 200
    keys.rotate()  # the normal rotation: published now, signing later
    service.document = keys.jwks()
    assert get(token_for(alice)).status_code == 200
    assert service.hits == 2
    assert {k["kid"] for k in service.document["keys"]} == set(key_set()._keys)


def test_a_failing_issuer_leaves_the_keys_in_place(alice: Any, service: Any, settings: Any) -> None:
    service.cache_control = "public, max-age=0"
    assert get(token_for(alice)).status_code == 200
    service.down = True
    for _ in range(3):
        assert get(token_for(alice)).status_code == 200
    assert service.hits == 2  # one failed refetch, then it waits for the refetch interval


def test_retired_keys_stop_verifying_after_the_refetch(alice: Any, service: Any) -> None:
    token = token_for(alice)
    assert get(token).status_code == 200
    old = keys.signing_key()
    keys.rotate(immediately=True)
    keys.retire(old)
    service.document = keys.jwks()
    key_set().refresh()
    response = get(token)
    assert response.status_code == 401 and "unknown or retired key" in response["WWW-Authenticate"]


def test_hmac_and_disallowed_keys_in_a_jwk_set_are_ignored(alice: Any, service: Any, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "REMOTE_JWT_ALGORITHMS": ["ES256"]}
    service.document = {
        "keys": [
            {"kty": "oct", "k": "c2VjcmV0", "alg": "HS256", "kid": "hmac"},
            *keys.jwks()["keys"],  # RS256, not allowed by this service
        ]
    }
    response = get(token_for(alice))
    assert response.status_code == 401 and "unknown" in response["WWW-Authenticate"]
    assert key_set()._keys == {}


@pytest.mark.redis
def test_a_service_may_opt_into_the_issuers_denylist(alice: Any, service: Any, use_redis: Any, settings: Any) -> None:
    token = token_for(alice)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert get(token).status_code == 200
    denylist.deny_jti(claims["jti"], claims["exp"])
    assert get(token).status_code == 200  # stateless by default: it lives until it expires
    with override_settings(IDENTITY={**settings.IDENTITY, "REMOTE_JWT_DENYLIST": True}):
        response = get(token)
        assert response.status_code == 401 and "revoked" in response["WWW-Authenticate"]
