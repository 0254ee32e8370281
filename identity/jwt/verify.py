"""Strict JWT verification (RFC 8725, RFC 9068 §4), shared by this site's own tokens and the
remote verifier of another issuer's tokens.

Every check happens before the token is trusted, cheapest first, and every failure is an
:class:`~identity.exceptions.InvalidToken` with a short description (never a 500):

1. size: at most 8,000 characters in all and 1,024 of header, refused before any decoding (PyJWT has no cap:
   a forged 1.3 MB token costs 37 ms of CPU);
2. shape: three segments, the header in base64url (PyJWT checks the other two);
3. header: a JSON object with a string ``kid``, the expected ``typ`` (``at+jwt`` for access
   tokens, so a refresh, ID or logout token never passes as one), no ``crit`` and none of
   ``jku``/``x5u``/``x5c``/``jwk`` (keys come from configuration only);
4. key: looked up by ``kid`` among the verifier's own keys, in memory; the algorithm is the
   key's own and must equal the header's (no ``none``, no HMAC keyed with a public key);
5. PyJWT verifies the signature and ``exp``/``nbf``/``iat`` (with ``JWT_LEEWAY``), ``iss``,
   ``aud``, and requires ``exp``, ``iat``, ``iss``, ``aud``, ``sub`` and ``jti``.

A verified token is remembered per process, keyed by the whole token string, until it expires;
a repeat is then a dictionary lookup plus the ``exp`` check and a check that its key is still in
the key set (the denylist is checked by the caller on every request, cached or not). The cache
is also emptied when a key leaves the key set.
"""

from __future__ import annotations

import binascii
import json
import re
import time
from base64 import urlsafe_b64decode
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from django.core.exceptions import ImproperlyConfigured

from identity.conf import identity_settings, on_reload
from identity.core.bounded import BoundedCache
from identity.exceptions import InvalidToken
from identity.jwt import keys
from identity.jwt.keys import PreparedKey

#: Refused before any parsing. Below the core's 8 KB cap on the Authorization header, so a
#: token too large for us is answered as an invalid token (401), not a malformed header (400).
MAX_TOKEN_LENGTH = 8000
MAX_HEADER_LENGTH = 1024
ACCESS_TYP = "at+jwt"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti"]
FORBIDDEN_HEADERS = frozenset({"crit", "jku", "x5u", "x5c", "jwk"})

_SEGMENT = re.compile(r"[A-Za-z0-9_-]+\Z")
_OPTIONS: Any = {"require": REQUIRED_CLAIMS, "verify_signature": True}

KeyLookup = Callable[[str], PreparedKey | None]


def _fail(description: str) -> InvalidToken:
    return InvalidToken(description, scheme="bearer")


def _same_type(actual: Any, expected: str) -> bool:
    """RFC 8725 §3.11 explicit typing; ``application/`` may prefix the type (RFC 7515 §4.1.9)."""
    if not isinstance(actual, str):
        return False
    actual = actual.lower()
    if actual.startswith("application/"):
        actual = actual[len("application/") :]
    return actual == expected.lower()


#: Parsed headers by segment: every token of a key shares one header, and decoding it (base64
#: and JSON) is the largest cost after the signature. Bounded: emptied when full, so a flood
#: of distinct headers costs what it would without it.
_headers: dict[str, dict[str, Any]] = {}
_HEADERS_KEPT = 256


def _header(segment: str) -> dict[str, Any]:
    header = _headers.get(segment)
    if header is not None:
        return header
    try:
        raw = urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        header = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        raise _fail("The token header is not valid base64url-encoded JSON.") from None
    if not isinstance(header, dict):
        raise _fail("The token header is not a JSON object.")
    if len(_headers) >= _HEADERS_KEPT:
        _headers.clear()
    _headers[segment] = header
    return header


_NUMBER = (int, float)


def _times_are_numbers(claims: dict[str, Any]) -> bool:
    """RFC 7519 §2 NumericDate (PyJWT would accept ``"exp": "1700000000"``)."""
    return all(type(claims.get(name, 0)) in _NUMBER for name in ("exp", "iat", "nbf"))


class VerifiedCache:
    """Verified claims by token string, one bounded cache per (typ, issuer, audiences)."""

    def __init__(self) -> None:
        self._caches: dict[tuple[Any, ...], BoundedCache[tuple[dict[str, Any], str]]] = {}

    def for_(self, key: tuple[Any, ...]) -> BoundedCache[tuple[dict[str, Any], str]] | None:
        size = identity_settings.JWT_VERIFIED_CACHE_SIZE
        if size <= 0:
            return None
        cache = self._caches.get(key)
        if cache is None:
            cache = self._caches[key] = BoundedCache(size)
        return cache

    def clear(self) -> None:
        for cache in self._caches.values():
            cache.clear()


def decode(
    token: str,
    *,
    typ: str,
    issuer: str,
    audiences: tuple[str, ...],
    lookup: KeyLookup,
    algorithms: frozenset[str],
    cache: BoundedCache[tuple[dict[str, Any], str]] | None,
    leeway: float,
) -> dict[str, Any]:
    """Verify ``token`` (see the module's docstring) and return a copy of its claims."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise _fail("The token is too large.")
    if cache is not None:
        hit = cache.get(token)
        if hit is not None:
            claims, kid = hit
            if claims["exp"] + leeway <= time.time():
                raise _fail("The token has expired.")
            if lookup(kid) is None:  # its key retired since: a dictionary lookup, no I/O
                raise _fail("The token is signed by an unknown or retired key.")
            return dict(claims)
    segment = token.partition(".")[0]
    if len(segment) > MAX_HEADER_LENGTH:
        raise _fail("The token header is too large.")
    # The header is checked here because it is read before the signature is verified; PyJWT
    # checks the other two segments byte by byte.
    if token.count(".") != 2 or not _SEGMENT.match(segment):
        raise _fail("The token is not a JWS in compact form (three base64url segments).")
    header = _header(segment)
    if not FORBIDDEN_HEADERS.isdisjoint(header):
        raise _fail("The token header has a parameter that is not accepted (crit, jku, x5u, x5c or jwk).")
    if not _same_type(header.get("typ"), typ):
        raise _fail(f"The token is not of type {typ}.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _fail("The token header names no key (kid).")
    key = lookup(kid)
    if key is None:
        raise _fail("The token is signed by an unknown or retired key.")
    if header.get("alg") != key.alg or key.alg not in algorithms:
        raise _fail("The token's algorithm is not the algorithm of its key.")
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[key.alg],
            audience=list(audiences),
            issuer=issuer,
            leeway=leeway,
            options=_OPTIONS,
        )
    except jwt.ExpiredSignatureError:
        raise _fail("The token has expired.") from None
    except jwt.ImmatureSignatureError:
        raise _fail("The token is not valid yet.") from None
    except jwt.InvalidAudienceError:
        raise _fail("The token is not meant for this audience.") from None
    except jwt.InvalidIssuerError:
        raise _fail("The token is from another issuer.") from None
    except jwt.MissingRequiredClaimError as exc:
        raise _fail(f"The token has no {exc.claim} claim.") from None
    except jwt.InvalidSignatureError:
        raise _fail("The token's signature is not valid.") from None
    except (jwt.PyJWTError, TypeError, ValueError):
        raise _fail("The token is malformed.") from None
    if not _times_are_numbers(claims):
        raise _fail("The token's times are not numbers.")
    if cache is not None:
        cache.set(token, (claims, kid), claims["exp"] + leeway - time.time())
    return dict(claims)


# --- this site's own tokens ------------------------------------------------------------------

_verified = VerifiedCache()
keys.store.on_keys_removed(lambda kids: _verified.clear())


@dataclass(frozen=True)
class _Context:
    """What a verification needs from settings, computed once per settings change (reading a
    setting costs more than a dictionary lookup, and this runs on every request)."""

    issuer: str
    audiences: tuple[str, ...]
    leeway: float
    cache: BoundedCache[tuple[dict[str, Any], str]] | None


_contexts: dict[tuple[str, Any], _Context] = {}


@on_reload
def _reset() -> None:
    _verified.clear()
    _verified._caches.clear()
    _contexts.clear()


def issuer() -> str:
    """This site's issuer identifier (``ISSUER``)."""
    value = identity_settings.ISSUER
    if not value:
        raise ImproperlyConfigured("IDENTITY['ISSUER'] is not set (see identity.E401).")
    return value


def default_audience() -> str:
    return identity_settings.JWT_AUDIENCE or issuer()


def _context(typ: str, audience: str | list[str] | None) -> _Context:
    key = (typ, audience if audience is None or isinstance(audience, str) else tuple(audience))
    context = _contexts.get(key)
    if context is None:
        if audience is None:
            audiences: tuple[str, ...] = (default_audience(),)
        elif isinstance(audience, str):
            audiences = (audience,)
        else:
            audiences = tuple(audience)
        iss = issuer()
        cache = _verified.for_((typ, iss, audiences))
        context = _contexts[key] = _Context(iss, audiences, identity_settings.JWT_LEEWAY, cache)
    return context


def verify(token: str, *, typ: str, audience: str | list[str] | None = None) -> dict[str, Any]:
    """Verify a JWT this site signed and return its claims.

    ``typ`` is the required header type (``"at+jwt"`` for access tokens); ``audience`` the
    accepted ``aud`` value(s), by default ``JWT_AUDIENCE``. Every failure raises
    :class:`~identity.exceptions.InvalidToken` with a short description. The denylist is not
    consulted here: :func:`identity.jwt.denylist.is_denied` does that per request.
    """
    context = _context(typ, audience)
    return decode(
        token,
        typ=typ,
        issuer=context.issuer,
        audiences=context.audiences,
        lookup=keys.verification_key,
        algorithms=_ALL,
        cache=context.cache,
        leeway=context.leeway,
    )


_ALL = frozenset(keys.SUPPORTED)
