"""Verifying the identity provider's access tokens on another service, with no call to it per request.

The issuer's JWK Set (RFC 7517 §5) is fetched from a URL in configuration (never one named by a
token) by the core's :class:`~identity.core.jose.keyset.KeySet`: kept for
``REMOTE_JWKS_CACHE_SECONDS`` (or less if the issuer's ``Cache-Control: max-age`` says so),
refetched early for an unknown ``kid`` at most once per ``REMOTE_JWKS_REFETCH_INTERVAL``, so a
flood of forged ``kid``\\ s costs the issuer one request per interval, and kept as it was when a
fetch fails. Since the issuer publishes a new key one JWK Set lifetime before it signs with it,
a verifier always has the key before the first token it signs arrives; an emergency rotation is
picked up through the unknown ``kid``.

:class:`RemoteJWTAuthenticator` checks tokens with the same strict rules as the issuer
(:func:`identity.core.jose.decode.decode`, type ``at+jwt``) and builds ``request.user`` from the
claims: no SQL, no network, and, by default, no shared state with the issuer. With
``REMOTE_JWT_DENYLIST`` it also honours the issuer's denylist through the issuer's Redis.
"""

from __future__ import annotations

from typing import Any

from identity.conf import identity_settings, on_reload
from identity.core.jose.algorithms import ASYMMETRIC
from identity.core.jose.keyset import KeySet
from identity.exceptions import InvalidToken
from identity.jwt import denylist
from identity.jwt.authenticator import JWTAuthenticator
from identity.jwt.verify import ACCESS_TYP, VerifiedCache, decode

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


def key_set() -> KeySet:
    """The key set of ``REMOTE_JWT_ISSUER``, one per process."""
    found: KeySet | None = _state.get("keys")
    if found is None:
        s = identity_settings
        found = KeySet(
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
    issuer, audience = s.REMOTE_JWT_ISSUER, s.REMOTE_JWT_AUDIENCE
    if not issuer or not audience:
        # Refused, never checked against a placeholder such as "None" (identity.E413 / E414).
        raise InvalidToken("This service has no REMOTE_JWT_AUDIENCE: it accepts no remote token.", scheme="bearer")
    audiences = (audience,)
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
