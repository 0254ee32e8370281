"""The one decode and its header policy: size caps before parsing, jku/x5u/jwk/x5c/crit refused,
the typ each kind of token may carry, the key's own algorithm (never none, never HMAC keyed with
a public key), and the claims the caller requires."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from identity.core.jose.decode import decode
from identity.core.jose.keyset import PublicKey
from identity.core.jose.policy import (
    ACCESS_TOKEN,
    ID_TOKEN,
    LOGOUT_TOKEN,
    MAX_HEADER_LENGTH,
    MAX_TOKEN_LENGTH,
    TypPolicy,
    typ_policy,
)
from identity.exceptions import InvalidToken

ISS, AUD, KID = "https://id.example.com", "api", "k1"
PRIVATE = ec.generate_private_key(ec.SECP256R1())
KEYS = {KID: PublicKey(KID, "ES256", PRIVATE.public_key())}


class Lookups:
    """The key lookup, recording each kid asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, kid: str) -> PublicKey | None:
        self.asked.append(kid)
        return KEYS.get(kid)


def claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": ISS, "aud": AUD, "sub": "42", "iat": now, "exp": now + 60, "jti": f"j{time.time_ns()}", **extra}


def token(typ: Any = "at+jwt", payload: dict[str, Any] | None = None, **header: Any) -> str:
    return jwt.encode(payload or claims(), PRIVATE, algorithm="ES256", headers={"kid": KID, "typ": typ, **header})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def run(value: str, typ: str | TypPolicy = ACCESS_TOKEN, lookup: Any = None, **options: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "typ": typ,
        "issuer": ISS,
        "audiences": (AUD,),
        "lookup": lookup or Lookups(),
        "algorithms": frozenset({"ES256", "RS256"}),
        "cache": None,
        "leeway": 0.0,
    }
    return decode(value, **{**settings, **options})


def refused(value: str, match: str, **options: Any) -> None:
    with pytest.raises(InvalidToken, match=match):
        run(value, **options)


def test_a_good_token_is_accepted() -> None:
    assert run(token())["sub"] == "42"


@pytest.mark.parametrize(
    "header",
    [
        {"jku": "https://evil.example/jwks.json"},
        {"x5u": "https://evil.example/cert.pem"},
        {"jwk": {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}},
        {"x5c": ["MIIB..."]},
        {"crit": ["exp"]},
    ],
)
def test_headers_naming_keys_or_extensions_are_refused_before_any_key_lookup(header: dict[str, Any]) -> None:
    lookup = Lookups()
    with pytest.raises(InvalidToken, match="not accepted"):
        run(token(**header), lookup=lookup)
    assert lookup.asked == []


@pytest.mark.parametrize(
    ("policy", "typ", "accepted"),
    [
        (ACCESS_TOKEN, "at+jwt", True),
        (ACCESS_TOKEN, "application/at+jwt", True),
        (ACCESS_TOKEN, "AT+JWT", True),
        (ACCESS_TOKEN, None, False),
        (ACCESS_TOKEN, "JWT", False),
        (ACCESS_TOKEN, "logout+jwt", False),
        (ID_TOKEN, "JWT", True),
        (ID_TOKEN, None, True),
        (ID_TOKEN, "at+jwt", False),
        (ID_TOKEN, "logout+jwt", False),
        (LOGOUT_TOKEN, "logout+jwt", True),
        (LOGOUT_TOKEN, "application/logout+jwt", True),
        (LOGOUT_TOKEN, None, True),
        (LOGOUT_TOKEN, "JWT", False),  # what ID tokens carry
        (LOGOUT_TOKEN, "at+jwt", False),
        (ACCESS_TOKEN, ["at+jwt"], False),
    ],
)
def test_typ_is_the_one_the_caller_expects(policy: TypPolicy, typ: Any, accepted: bool) -> None:
    value = token(typ=typ) if typ is not None else token(typ="")  # PyJWT leaves out an empty typ
    if typ is None:
        assert "typ" not in jwt.get_unverified_header(value)
    if accepted:
        assert run(value, typ=policy)["sub"] == "42"
    else:
        refused(value, re.escape(f"not of type {policy.name}."), typ=policy)


def test_a_string_typ_is_required_exactly() -> None:
    assert typ_policy("at+jwt") is typ_policy("at+jwt")
    assert run(token(typ="refresh+jwt"), typ="refresh+jwt")["sub"] == "42"
    refused(token(typ=""), re.escape("not of type refresh+jwt."), typ="refresh+jwt")


def test_alg_none_is_refused() -> None:
    header = b64(json.dumps({"alg": "none", "kid": KID, "typ": "at+jwt"}).encode())
    refused(f"{header}.{b64(json.dumps(claims()).encode())}.", "algorithm")


def test_hmac_keyed_with_the_public_key_is_refused() -> None:
    """Algorithm confusion (RFC 8725 §2.1): HS256 with the published key's bytes as secret."""
    public_pem = PRIVATE.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = b64(json.dumps({"alg": "HS256", "kid": KID, "typ": "at+jwt"}).encode())
    signing_input = f"{header}.{b64(json.dumps(claims()).encode())}"
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    refused(f"{signing_input}.{b64(signature)}", "algorithm")


def test_the_keys_algorithm_must_be_allowed() -> None:
    refused(token(), "algorithm", algorithms=frozenset({"RS256"}))


def test_an_unknown_kid_is_refused() -> None:
    refused(token(kid="nobody"), "unknown or retired key")


def test_oversized_tokens_and_headers_are_refused_before_parsing() -> None:
    lookup = Lookups()
    big = token(payload=claims(pad="x" * MAX_TOKEN_LENGTH))
    with pytest.raises(InvalidToken, match="too large"):
        run(big, lookup=lookup)
    with pytest.raises(InvalidToken, match="header is too large"):
        run(token(pad="x" * MAX_HEADER_LENGTH), lookup=lookup)
    assert lookup.asked == []


def test_the_callers_required_claims_are_required() -> None:
    without_jti = {k: v for k, v in claims().items() if k != "jti"}
    refused(token(payload=without_jti), "no jti claim")
    assert run(token(payload=without_jti), required=["iss", "sub", "aud", "exp", "iat"])["sub"] == "42"
    refused(token(payload={**claims(), "sub": None}), "no sub claim", required=["iss", "sub"])


def test_iss_aud_exp_and_iat_are_checked() -> None:
    now = int(time.time())
    refused(token(payload=claims(iss="https://evil.example")), "another issuer")
    refused(token(payload=claims(aud="another-api")), "audience")
    refused(token(payload=claims(exp=now - 10)), "expired")
    refused(token(payload=claims(iat=now + 3600)), "not valid yet")
    refused(token(payload=claims(exp=str(now + 60))), "malformed|not numbers")


def test_a_lookup_that_cannot_know_the_keys_speaks_for_itself() -> None:
    class Unreachable(Exception):
        pass

    def lookup(kid: str) -> PublicKey | None:
        raise Unreachable(kid)

    with pytest.raises(Unreachable):
        run(token(), lookup=lookup)
