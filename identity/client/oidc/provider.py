"""What a relying party knows about its OpenID provider: the discovery document (OIDC Discovery
§4) and the JWK Set, fetched with a short timeout, kept in process, and the verification of the
JWTs the provider signs (ID tokens, logout tokens).

Verification is strict (RFC 8725): the key is found by ``kid`` in the provider's published set
(an unknown ``kid`` refetches the set at most once per ``OIDC_RP_JWKS_MIN_REFRESH`` seconds, so
forged ``kid`` values cannot make us hammer the provider); the algorithm is the key's own and
never ``none`` or an HMAC; ``iss``, ``aud``, ``exp`` and ``iat`` are always checked.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from jwt import PyJWK, PyJWKSet

from identity.conf import identity_settings, on_reload
from identity.core import http

MAX_JWT_LENGTH = 8192
ASYMMETRIC = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


class ProviderError(Exception):
    """The provider could not be reached or answered something unusable."""


class TokenRejected(Exception):
    """A JWT from the provider failed verification; the message says why."""


@dataclass
class Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""
    iss_parameter_supported: bool = False
    raw: dict[str, Any] = field(default_factory=dict)


def _get_json(url: str) -> dict[str, Any]:
    try:
        result = http.get(url, timeout=identity_settings.OIDC_RP_TIMEOUT, headers={"Accept": "application/json"})
    except http.HttpError as exc:
        raise ProviderError(f"{url} is unreachable: {exc}") from exc
    if not result.ok:
        raise ProviderError(f"{url} answered HTTP {result.status}")
    try:
        value = json.loads(result.body)
    except ValueError as exc:
        raise ProviderError(f"{url} did not answer JSON") from exc
    if not isinstance(value, dict):
        raise ProviderError(f"{url} did not answer a JSON object")
    return value


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.metadata: Metadata | None = None
        self.metadata_until = 0.0
        self.keys: dict[str, PyJWK] = {}
        self.keys_until = 0.0
        self.keys_fetched = 0.0


_state = _State()


@on_reload
def _clear() -> None:
    global _state
    _state = _State()


def metadata() -> Metadata:
    state = _state
    now = time.monotonic()
    if state.metadata is not None and now < state.metadata_until:
        return state.metadata
    url = identity_settings.OIDC_RP_DISCOVERY_URL
    doc = _get_json(url)
    issuer = doc.get("issuer")
    # Discovery §4.3: the issuer must be exactly the one the document's URL was built from.
    if not isinstance(issuer, str) or len(issuer) > 255 or issuer.rstrip("/") + DISCOVERY_SUFFIX != url:
        raise ProviderError(f"The discovery document's issuer {issuer!r} does not match {url}")
    required = ["authorization_endpoint", "token_endpoint", "jwks_uri"]
    if any(not isinstance(doc.get(name), str) or not doc[name] for name in required):
        raise ProviderError("The discovery document lacks an endpoint this client needs")
    result = Metadata(
        issuer=issuer,
        authorization_endpoint=doc["authorization_endpoint"],
        token_endpoint=doc["token_endpoint"],
        jwks_uri=doc["jwks_uri"],
        userinfo_endpoint=doc.get("userinfo_endpoint") or "",
        end_session_endpoint=doc.get("end_session_endpoint") or "",
        iss_parameter_supported=doc.get("authorization_response_iss_parameter_supported") is True,
        raw=doc,
    )
    with state.lock:
        state.metadata = result
        state.metadata_until = now + identity_settings.OIDC_RP_METADATA_CACHE_SECONDS
    return result


def _fetch_keys(meta: Metadata) -> dict[str, PyJWK]:
    doc = _get_json(meta.jwks_uri)
    try:
        keyset = PyJWKSet.from_dict(doc)
    except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
        raise ProviderError("The provider's JWK Set cannot be read") from exc
    return {
        key.key_id: key for key in keyset.keys if key.key_id and getattr(key, "public_key_use", "sig") in (None, "sig")
    }


def key_for(kid: str) -> PyJWK:
    """The provider's public key named ``kid``; refetches the set when it is unknown, at most
    once per ``OIDC_RP_JWKS_MIN_REFRESH`` seconds."""
    state = _state
    now = time.monotonic()
    key = state.keys.get(kid) if now < state.keys_until else None
    if key is not None:
        return key
    if state.keys and kid not in state.keys and now - state.keys_fetched < identity_settings.OIDC_RP_JWKS_MIN_REFRESH:
        raise TokenRejected("The token was signed with a key the provider does not publish.")
    keys = _fetch_keys(metadata())
    with state.lock:
        state.keys, state.keys_fetched = keys, now
        state.keys_until = now + identity_settings.OIDC_RP_METADATA_CACHE_SECONDS
    if kid not in keys:
        raise TokenRejected("The token was signed with a key the provider does not publish.")
    return keys[kid]


def verify(token: str, *, audience: str, required: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(header, claims)`` of a JWT the provider signed for ``audience``, or TokenRejected."""
    if not token or len(token) > MAX_JWT_LENGTH:
        raise TokenRejected("The token is missing or too large.")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenRejected("The token is not a JWT.") from exc
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ASYMMETRIC:
        raise TokenRejected(f"The algorithm {alg!r} is not accepted.")
    if "crit" in header:
        raise TokenRejected("The token has critical header parameters we do not understand.")
    if not isinstance(kid, str) or not kid:
        raise TokenRejected("The token does not name its key (kid).")
    key = key_for(kid)
    if key.algorithm_name and key.algorithm_name != alg:
        raise TokenRejected("The token's algorithm is not its key's.")
    try:
        claims = jwt.decode(
            token,
            key=key.key,
            algorithms=[alg],
            audience=audience,
            issuer=metadata().issuer,
            leeway=identity_settings.OIDC_RP_LEEWAY,
            options={"require": required, "verify_iat": True},
        )
    except jwt.PyJWTError as exc:
        raise TokenRejected(f"The token is not valid: {exc}") from exc
    return header, claims
