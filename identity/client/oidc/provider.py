"""What a relying party knows about its OpenID provider: the discovery document (OIDC Discovery
§4) and the JWK Set, fetched with a short timeout and kept in process, and the verification of
the JWTs the provider signs (ID tokens, logout tokens).

Both go through the core's JOSE stack (:mod:`identity.core.jose`), as the remote JWT verifier
does, and nothing of the provider side is imported. The JWK Set is a
:class:`~identity.core.jose.keyset.KeySet`: kept for the provider's ``max-age`` (at most
``OIDC_RP_METADATA_CACHE_SECONDS``), refetched for an unknown ``kid`` at most once per
``OIDC_RP_JWKS_MIN_REFRESH`` seconds (forged ``kid`` values cannot make us hammer the provider),
and kept as it was when the provider cannot be reached; the discovery document is likewise kept
when a refetch fails. Verification is :func:`~identity.core.jose.decode.decode`: the key's own
algorithm (never ``none`` or an HMAC), no ``jku``/``x5u``/``jwk``/``x5c``/``crit``, the ``typ``
of the kind of token, and ``iss``, ``aud``, ``exp`` and ``iat`` always checked.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from identity.conf import identity_settings, on_reload
from identity.core import http
from identity.core.jose.algorithms import ASYMMETRIC
from identity.core.jose.decode import KeyLookup, VerificationKey, checked_header, decode
from identity.core.jose.keyset import KeySet
from identity.core.jose.policy import ID_TOKEN, TypPolicy
from identity.exceptions import InvalidToken

log = logging.getLogger("identity.client.oidc")

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
        self.keys: KeySet | None = None

    @property
    def keys_fetched(self) -> int:
        """How many times the JWK Set was requested."""
        return self.keys.fetches if self.keys is not None else 0


_state = _State()


@on_reload
def _clear() -> None:
    global _state
    _state = _State()


def _discover(url: str) -> Metadata:
    doc = _get_json(url)
    issuer = doc.get("issuer")
    # Discovery §4.3: the issuer must be exactly the one the document's URL was built from.
    if not isinstance(issuer, str) or len(issuer) > 255 or issuer.rstrip("/") + DISCOVERY_SUFFIX != url:
        raise ProviderError(f"The discovery document's issuer {issuer!r} does not match {url}")
    required = ["authorization_endpoint", "token_endpoint", "jwks_uri"]
    if any(not isinstance(doc.get(name), str) or not doc[name] for name in required):
        raise ProviderError("The discovery document lacks an endpoint this client needs")
    return Metadata(
        issuer=issuer,
        authorization_endpoint=doc["authorization_endpoint"],
        token_endpoint=doc["token_endpoint"],
        jwks_uri=doc["jwks_uri"],
        userinfo_endpoint=doc.get("userinfo_endpoint") or "",
        end_session_endpoint=doc.get("end_session_endpoint") or "",
        iss_parameter_supported=doc.get("authorization_response_iss_parameter_supported") is True,
        raw=doc,
    )


def metadata() -> Metadata:
    """The provider's discovery document, kept ``OIDC_RP_METADATA_CACHE_SECONDS``. A failed
    refetch keeps the document we have (and tries again after ``OIDC_RP_JWKS_MIN_REFRESH``);
    only a provider never reached is a :class:`ProviderError`."""
    state = _state
    now = time.monotonic()
    if state.metadata is not None and now < state.metadata_until:
        return state.metadata
    try:
        result = _discover(identity_settings.OIDC_RP_DISCOVERY_URL)
    except ProviderError as exc:
        if state.metadata is None:
            raise
        log.warning("Could not refresh the provider's discovery document (%s); keeping the last good one.", exc)
        with state.lock:
            state.metadata_until = now + identity_settings.OIDC_RP_JWKS_MIN_REFRESH
        return state.metadata
    with state.lock:
        state.metadata = result
        state.metadata_until = now + identity_settings.OIDC_RP_METADATA_CACHE_SECONDS
    return result


def key_set(meta: Metadata) -> KeySet:
    """The provider's JWK Set at ``meta.jwks_uri``, one per process (a new one if it moves)."""
    state = _state
    keys = state.keys
    if keys is None or keys.url != meta.jwks_uri:
        with state.lock:
            keys = state.keys
            if keys is None or keys.url != meta.jwks_uri:
                s = identity_settings
                keys = state.keys = KeySet(
                    meta.jwks_uri,
                    algorithms=ASYMMETRIC,
                    cache_seconds=s.OIDC_RP_METADATA_CACHE_SECONDS,
                    refetch_interval=s.OIDC_RP_JWKS_MIN_REFRESH,
                    timeout=s.OIDC_RP_TIMEOUT,
                )
    return keys


def _key_lookup(keys: KeySet) -> KeyLookup:
    def lookup(kid: str) -> VerificationKey | None:
        key = keys.get(kid)
        if key is None and not keys.loaded:  # no set ever fetched: we cannot tell, the provider is down
            raise ProviderError(f"The provider's JWK Set at {keys.url} is unreachable: {keys.error}")
        return key

    return lookup


def verify(
    token: str, *, audience: str, required: list[str], typ: TypPolicy = ID_TOKEN
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(header, claims)`` of a JWT the provider signed for ``audience``, of the kind ``typ``
    (an ID token by default), or :class:`TokenRejected`. :class:`ProviderError` only when the
    provider's keys were never obtained."""
    try:
        header, _kid = checked_header(token, typ)  # before any fetch: garbage costs no request
        meta = metadata()
        claims = decode(
            token,
            typ=typ,
            issuer=meta.issuer,
            audiences=(audience,),
            lookup=_key_lookup(key_set(meta)),
            algorithms=ASYMMETRIC,
            cache=None,  # ID and logout tokens are each verified once
            leeway=identity_settings.OIDC_RP_LEEWAY,
            required=required,
        )
    except InvalidToken as exc:
        raise TokenRejected(exc.description) from None
    return dict(header), claims
