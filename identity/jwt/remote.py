"""Verifying the identity provider's access tokens on another service, with no call to it per request.

:class:`RemoteKeySet` fetches the issuer's JWK Set (RFC 7517 §5) from a URL in configuration
(never one named by a token), keeps the prepared keys in process for
``REMOTE_JWKS_CACHE_SECONDS`` (or less if the issuer's ``Cache-Control: max-age`` says so), and
refetches early for an unknown ``kid`` at most once per ``REMOTE_JWKS_REFETCH_INTERVAL``, so a
flood of forged ``kid``\\ s costs the issuer one request per interval. A failed fetch keeps the
keys it had. Since the issuer publishes a new key one JWK Set lifetime before it signs with it,
a verifier always has the key before the first token it signs arrives; an emergency rotation is
picked up through the unknown ``kid``.

:class:`RemoteJWTAuthenticator` checks tokens with the same strict rules as the issuer
(:func:`identity.jwt.verify.decode`) and builds ``request.user`` from the claims: no SQL, no
network, and, by default, no shared state with the issuer. With ``REMOTE_JWT_DENYLIST`` it also
honours the issuer's denylist through the issuer's Redis.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from typing import Any

from jwt import PyJWK
from jwt.exceptions import PyJWKError

from identity.conf import identity_settings, on_reload
from identity.core import http
from identity.exceptions import InvalidToken
from identity.jwt import denylist
from identity.jwt.authenticator import JWTAuthenticator
from identity.jwt.keys import ASYMMETRIC, PreparedKey
from identity.jwt.verify import ACCESS_TYP, VerifiedCache, decode

logger = logging.getLogger("identity.jwt.remote")
_MAX_AGE = re.compile(r"max-age=(\d+)")


class RemoteKeySet:
    """An issuer's public keys, fetched from its JWK Set and prepared once."""

    def __init__(
        self, url: str, *, algorithms: frozenset[str], cache_seconds: float, refetch_interval: float, timeout: float
    ) -> None:
        self.url = url
        self.algorithms = algorithms
        self.cache_seconds = float(cache_seconds)
        self.refetch_interval = float(refetch_interval)
        self.timeout = float(timeout)
        self.fetches = 0  # how many times the JWK Set was requested (shown in logs and tests)
        self._keys: dict[str, PreparedKey] = {}
        self._expires = float("-inf")
        self._fetched_at = float("-inf")
        self._unknown_refetch_at = float("-inf")
        self._lock = threading.Lock()
        self._on_removed: list[Any] = []

    def on_keys_removed(self, listener: Any) -> None:
        self._on_removed.append(listener)

    def get(self, kid: str) -> PreparedKey | None:
        started = time.monotonic()
        if started >= self._expires:
            self._refresh(started)
        key = self._keys.get(kid)
        if key is None and started - self._unknown_refetch_at >= self.refetch_interval:
            self._unknown_refetch_at = started
            self._refresh(started)
            key = self._keys.get(kid)
        return key

    def refresh(self) -> None:
        self._refresh(time.monotonic())

    def _refresh(self, started: float) -> None:
        with self._lock:
            if self._fetched_at >= started:
                return  # fetched meanwhile (by another thread, or earlier in this lookup)
            self._fetched_at = time.monotonic()
            self.fetches += 1
            try:
                result = http.get(self.url, timeout=self.timeout, headers={"Accept": "application/json"})
                if not result.ok:
                    raise ValueError(f"HTTP {result.status}")
                keys = self._parse(json.loads(result.body))
            except (http.HttpError, ValueError) as exc:
                # Keep the keys we have; try again after the refetch interval, not on every request.
                logger.warning(
                    "Could not fetch the JWK Set at %s (%s); keeping %d keys.", self.url, exc, len(self._keys)
                )
                self._expires = time.monotonic() + self.refetch_interval
                return
            removed = set(self._keys) - set(keys)
            self._keys = keys
            self._expires = time.monotonic() + min(self.cache_seconds, _max_age(result.headers, self.cache_seconds))
        if removed:
            for listener in self._on_removed:
                listener(removed)

    def _parse(self, document: Any) -> dict[str, PreparedKey]:
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise ValueError("not a JWK Set")
        keys: dict[str, PreparedKey] = {}
        for jwk in document["keys"]:
            if not isinstance(jwk, dict):
                continue
            kid, alg = jwk.get("kid"), jwk.get("alg")
            # A published key is public: an "oct" (HMAC) key or an algorithm not allowed here is ignored.
            if not isinstance(kid, str) or alg not in self.algorithms or jwk.get("use", "sig") != "sig":
                continue
            if jwk.get("kty") == "oct":
                continue
            try:
                key = PyJWK(jwk, algorithm=alg).key
            except (PyJWKError, ValueError, TypeError, KeyError):
                logger.warning("Ignoring a JWK that cannot be used (kid %r).", kid[:64])
                continue
            keys[kid] = PreparedKey(kid, alg, key, 0.0, None)
        return keys


def _max_age(headers: dict[str, str], default: float) -> float:
    for name, value in headers.items():
        if name.lower() == "cache-control":
            match = _MAX_AGE.search(value)
            if match:
                return float(match.group(1))
    return default


# --- the configured issuer -------------------------------------------------------------------

_state: dict[str, Any] = {}


@on_reload
def _reset() -> None:
    _state.clear()


def jwks_url() -> str:
    s = identity_settings
    return s.REMOTE_JWT_JWKS_URL or f"{str(s.REMOTE_JWT_ISSUER).rstrip('/')}/.well-known/jwks.json"


def algorithms() -> frozenset[str]:
    return frozenset(a for a in identity_settings.REMOTE_JWT_ALGORITHMS if a in ASYMMETRIC)


def key_set() -> RemoteKeySet:
    """The key set of ``REMOTE_JWT_ISSUER``, one per process."""
    found = _state.get("keys")
    if found is None:
        s = identity_settings
        found = RemoteKeySet(
            jwks_url(),
            algorithms=algorithms(),
            cache_seconds=s.REMOTE_JWKS_CACHE_SECONDS,
            refetch_interval=s.REMOTE_JWKS_REFETCH_INTERVAL,
            timeout=s.REMOTE_JWKS_TIMEOUT,
        )
        found.on_keys_removed(lambda kids: _verified().clear())
        _state["keys"] = found
    return found


def _verified() -> VerifiedCache:
    cache = _state.get("verified")
    if cache is None:
        cache = _state["verified"] = VerifiedCache()
    return cache


def verify_remote(token: str) -> dict[str, Any]:
    """The claims of a live access token of ``REMOTE_JWT_ISSUER`` for ``REMOTE_JWT_AUDIENCE``."""
    s = identity_settings
    issuer, audiences = str(s.REMOTE_JWT_ISSUER), (str(s.REMOTE_JWT_AUDIENCE),)
    claims = decode(
        token,
        typ=ACCESS_TYP,
        issuer=issuer,
        audiences=audiences,
        lookup=key_set().get,
        algorithms=algorithms(),
        cache=_verified().for_((ACCESS_TYP, issuer, audiences)),
        leeway=s.JWT_LEEWAY,
    )
    if s.REMOTE_JWT_DENYLIST and denylist.is_denied_remote(claims):
        raise InvalidToken("The token has been revoked.", scheme="bearer")
    return claims


class RemoteJWTAuthenticator(JWTAuthenticator):
    """Bearer JWTs of another issuer (``REMOTE_JWT_ISSUER``), checked against its JWK Set."""

    def enabled(self) -> bool:
        return bool(identity_settings.REMOTE_JWT_ISSUER)

    def verify(self, token: str) -> dict[str, Any]:
        return verify_remote(token)
