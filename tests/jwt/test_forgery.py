"""Every forgery and misuse of a JWT is answered with 401 and a Bearer ``invalid_token``
challenge, never a 500 (RFC 8725 §2, RFC 6750 §3.1)."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256
from django.test import Client

from identity.jwt import denylist, keys, tokens
from tests.jwt.conftest import b64, obtain, segment

pytestmark = pytest.mark.django_db(transaction=True)

ISS = "http://testserver"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": ISS, "sub": "1", "aud": ISS, "exp": now + 300, "iat": now, "jti": "j-" + str(now), "scope": "api"}
    base["client_id"] = "identity"  # first party, as /api/auth/jwt/ issues them
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def rs256(header: dict[str, Any], payload: dict[str, Any], private: Any = None) -> str:
    """Sign with the site's own active key (or ``private``), whatever the header says."""
    row = keys.signing_key()
    signing_input = f"{segment(header)}.{segment(payload)}".encode()
    key = private or keys.private_key(row)
    signature = key.sign(signing_input, padding.PKCS1v15(), SHA256())
    return f"{signing_input.decode()}.{b64(signature)}"


def good_header(**overrides: Any) -> dict[str, Any]:
    base = {"alg": "RS256", "typ": "at+jwt", "kid": keys.signing_key().kid}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def alg_none(_: Any) -> str:
    return f"{segment(good_header(alg='none'))}.{segment(claims())}."


def alg_none_with_signature(_: Any) -> str:
    return f"{segment(good_header(alg='none'))}.{segment(claims())}.{b64(b'x')}"


def hs256_with_public_key(_: Any) -> str:
    """Algorithm confusion: HMAC keyed with the published RSA public key."""
    row = keys.signing_key()
    public_pem = keys.verification_key(row.kid).key.public_bytes(  # type: ignore[union-attr]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = f"{segment(good_header(alg='HS256'))}.{segment(claims())}".encode()
    return f"{signing_input.decode()}.{b64(hmac.new(public_pem, signing_input, hashlib.sha256).digest())}"


def altered_payload(pair: dict[str, Any]) -> str:
    header, _, signature = pair["access"].split(".")
    return f"{header}.{segment(claims(sub='999'))}.{signature}"


def signed_by_a_stranger(_: Any) -> str:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return rs256(good_header(), claims(), private=stranger)


def es256_header_on_rsa_key(_: Any) -> str:
    other = ec.generate_private_key(ec.SECP256R1())
    return jwt.encode(claims(), other, algorithm="ES256", headers={"kid": keys.signing_key().kid, "typ": "at+jwt"})


CASES: dict[str, tuple[Callable[[Any], str], str]] = {
    "alg none": (alg_none, "algorithm"),
    "alg none with a signature": (alg_none_with_signature, "algorithm"),
    "HS256 signed with the public key": (hs256_with_public_key, "algorithm"),
    "altered payload": (altered_payload, "signature"),
    "signed by another key with our kid": (signed_by_a_stranger, "signature"),
    "ES256 token naming an RSA key": (es256_header_on_rsa_key, "algorithm"),
    "expired": (
        lambda _: rs256(good_header(), claims(exp=int(time.time()) - 60, iat=int(time.time()) - 400)),
        "expired",
    ),
    "not yet valid (nbf)": (lambda _: rs256(good_header(), claims(nbf=int(time.time()) + 600)), "not valid yet"),
    "issued in the future (iat)": (lambda _: rs256(good_header(), claims(iat=int(time.time()) + 600)), "not valid yet"),
    "wrong iss": (lambda _: rs256(good_header(), claims(iss="https://evil.example")), "another issuer"),
    "wrong aud": (lambda _: rs256(good_header(), claims(aud="other-api")), "audience"),
    "no aud": (lambda _: rs256(good_header(), claims(aud=None)), "aud"),
    "no exp": (lambda _: rs256(good_header(), claims(exp=None)), "exp"),
    "no jti": (lambda _: rs256(good_header(), claims(jti=None)), "jti"),
    "no sub": (lambda _: rs256(good_header(), claims(sub=None)), "sub"),
    "exp as a string": (lambda _: rs256(good_header(), claims(exp=str(int(time.time()) + 300))), "not numbers"),
    "sub not a string": (lambda _: rs256(good_header(), claims(sub=1)), "malformed"),
    "unknown kid": (lambda _: rs256(good_header(kid="no-such-key"), claims()), "unknown or retired key"),
    "no kid": (lambda _: rs256(good_header(kid=None), claims()), "no key"),
    "kid not a string": (lambda _: rs256(good_header(kid=7), claims()), "no key"),
    "typ JWT (not an access token)": (lambda _: rs256(good_header(typ="JWT"), claims()), "not of type at+jwt"),
    "refresh-typed JWT": (lambda _: rs256(good_header(typ="refresh+jwt"), claims()), "not of type"),
    "no typ": (lambda _: rs256(good_header(typ=None), claims()), "not of type"),
    "crit header": (lambda _: rs256(good_header(crit=["exp"]), claims()), "not accepted"),
    "jku header": (lambda _: rs256(good_header(jku="https://evil.example/jwks"), claims()), "not accepted"),
    "x5u header": (lambda _: rs256(good_header(x5u="https://evil.example/cert"), claims()), "not accepted"),
    "embedded jwk": (lambda _: rs256(good_header(jwk={"kty": "RSA"}), claims()), "not accepted"),
    "oversized token": (lambda _: rs256(good_header(), claims(pad="x" * 5650)), "too large"),
    "oversized header": (lambda _: rs256(good_header(pad="x" * 1000), claims()), "header is too large"),
    "non-base64 header": (lambda p: "!!!." + p["access"].split(".", 1)[1], "not a JWS"),
    "non-base64 payload": (lambda p: p["access"].split(".")[0] + ".a$b." + p["access"].split(".")[2], "malformed"),
    "padded payload": (lambda p: p["access"].split(".")[0] + ".eyJ9==." + p["access"].split(".")[2], "malformed"),
    "non-canonical base64 signature": (lambda p: p["access"][:-1] + ("B" if p["access"][-1] != "B" else "C"), ""),
    "header not JSON": (lambda p: b64(b"not json") + "." + p["access"].split(".", 1)[1], "not valid base64url"),
    "header a JSON array": (lambda p: b64(b"[1]") + "." + p["access"].split(".", 1)[1], "not a JSON object"),
    "payload not JSON": (lambda _: rs256(good_header(), claims())[:0] + _raw(good_header(), b"oops"), "malformed"),
    "four segments": (lambda p: p["access"] + ".AAAA", "three base64url segments"),
    "refresh token as Bearer": (lambda p: p["refresh"], ""),
}


def _raw(header: dict[str, Any], payload: bytes) -> str:
    row = keys.signing_key()
    signing_input = f"{segment(header)}.{b64(payload)}".encode()
    signature = keys.private_key(row).sign(signing_input, padding.PKCS1v15(), SHA256())
    return f"{signing_input.decode()}.{b64(signature)}"


@pytest.mark.parametrize("path", ["/api/whoami/", "/plain/whoami/"])
@pytest.mark.parametrize("case", list(CASES))
def test_forgeries_are_refused_with_a_bearer_challenge(alice: Any, case: str, path: str) -> None:
    pair = obtain()
    make, reason = CASES[case]
    token = make(pair)
    if case == "oversized token":
        assert 8000 < len(token) < 8185  # over our cap, under the core's cap on the whole header
    response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401, (case, response.content)
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="identity", error="invalid_token"'), challenge
    assert reason in challenge, (reason, challenge)
    assert response.json()["error"] == "invalid_token"


def test_the_genuine_token_passes(alice: Any) -> None:
    """The control for the cases above: the same construction, unaltered, is accepted."""
    token = rs256(good_header(), claims(sub=str(alice.pk), preferred_username="alice"))
    assert Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}").json() == {
        "user": "alice",
        "method": "jwt",
    }


def test_a_revoked_token_is_refused_even_when_cached(alice: Any) -> None:
    pair = obtain()
    client = Client()
    assert client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}").status_code == 200
    claims_ = jwt.decode(pair["access"], options={"verify_signature": False})
    denylist.deny_jti(claims_["jti"], claims_["exp"])
    response = client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert response.status_code == 401
    assert "revoked" in response["WWW-Authenticate"]


def test_a_token_of_a_retired_key_is_refused(alice: Any) -> None:
    pair = obtain()
    assert Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}").status_code == 200
    old = keys.signing_key()
    keys.rotate(immediately=True)
    keys.retire(old)
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert response.status_code == 401
    assert "unknown or retired key" in response["WWW-Authenticate"]


def test_an_expired_token_is_refused_even_when_cached(alice: Any, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "JWT_LEEWAY": 0}
    token, _ = tokens.issue_access_token(alice, client_id="identity", scope="api", lifetime=2)  # 1 to 2 s left
    assert Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    deadline = time.time() + 5
    while time.time() < deadline:
        response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}")
        if response.status_code == 401:
            break
        time.sleep(0.05)
    assert response.status_code == 401 and "expired" in response["WWW-Authenticate"]


def test_a_too_long_authorization_header_is_a_malformed_request(alice: Any) -> None:
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION="Bearer " + "a.b." + "c" * 9000)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
