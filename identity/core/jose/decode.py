"""Strict JWS verification (RFC 8725, RFC 9068 §4), the one used for this site's own tokens, for
another issuer's access tokens and for an OpenID provider's ID and logout tokens.

Every check happens before the token is trusted, cheapest first, and every failure is an
:class:`~identity.exceptions.InvalidToken` with a short description (never a 500):

1. size: at most :data:`~identity.core.jose.policy.MAX_TOKEN_LENGTH` characters in all and
   :data:`~identity.core.jose.policy.MAX_HEADER_LENGTH` of header, refused before any decoding;
2. shape: three segments, the header in base64url (PyJWT checks the other two);
3. header (:func:`~identity.core.jose.policy.check_header`): a JSON object with a string
   ``kid``, a ``typ`` the caller accepts, no ``crit`` and none of ``jku``/``x5u``/``x5c``/``jwk``;
4. key: looked up by ``kid`` through the caller's ``lookup`` (in memory, or a
   :class:`~identity.core.jose.keyset.KeySet`); the algorithm is the key's own, must equal the
   header's and be one the caller allows (no ``none``, no HMAC keyed with a public key);
5. PyJWT verifies the signature and ``exp``/``nbf``/``iat`` (with ``leeway``), ``iss``, ``aud``,
   and requires the caller's claims (by default those of an access token); times must be numbers.

With a ``cache``, a verified token is remembered by its whole string until it expires; a repeat
is then a dictionary lookup plus the ``exp`` check and a check that its key is still known. This
is the JWT hot path: nothing else runs for a repeated token.
"""

from __future__ import annotations

import binascii
import json
import re
import time
from base64 import urlsafe_b64decode
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import jwt

from identity.core.bounded import BoundedCache
from identity.core.jose.policy import MAX_HEADER_LENGTH, MAX_TOKEN_LENGTH, TypPolicy, check_header, typ_policy
from identity.exceptions import InvalidToken

#: RFC 9068 §2.2 (with ``sub`` and ``jti``, which identity's own tokens always carry).
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti"]

_SEGMENT = re.compile(r"[A-Za-z0-9_-]+\Z")
_OPTIONS: Any = {"require": REQUIRED_CLAIMS, "verify_signature": True}
_options_by_claims: dict[tuple[str, ...], Any] = {}


class VerificationKey(Protocol):
    """A prepared key: its ``kid``, the one algorithm it verifies, and the key object PyJWT uses
    (:class:`identity.jwt.keys.PreparedKey` for this site's keys,
    :class:`identity.core.jose.keyset.PublicKey` for a published set's)."""

    @property
    def kid(self) -> str: ...

    @property
    def alg(self) -> str: ...

    @property
    def key(self) -> Any: ...


KeyLookup = Callable[[str], VerificationKey | None]
VerifiedClaims = BoundedCache[tuple[dict[str, Any], str]]


def _fail(description: str) -> InvalidToken:
    return InvalidToken(description, scheme="bearer")


#: Parsed headers by segment: every token of a key shares one header, and decoding it (base64
#: and JSON) is the largest cost after the signature. Bounded: emptied when full, so a flood
#: of distinct headers costs what it would without it. Never mutated by readers.
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


def _options(required: Sequence[str] | None) -> Any:
    if required is None:
        return _OPTIONS
    key = tuple(required)
    options = _options_by_claims.get(key)
    if options is None:
        options = _options_by_claims[key] = {"require": list(key), "verify_signature": True}
    return options


def checked_header(token: str, typ: str | TypPolicy) -> tuple[dict[str, Any], str]:
    """Steps 1 to 3: the token's header (shared, do not change it) and ``kid``, or
    :class:`InvalidToken`. No key is needed, so a caller may run this before it fetches any."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise _fail("The token is too large.")
    segment = token.partition(".")[0]
    if len(segment) > MAX_HEADER_LENGTH:
        raise _fail("The token header is too large.")
    # The header is checked here because it is read before the signature is verified; PyJWT
    # checks the other two segments byte by byte.
    if token.count(".") != 2 or not _SEGMENT.match(segment):
        raise _fail("The token is not a JWS in compact form (three base64url segments).")
    header = _header(segment)
    return header, check_header(header, typ_policy(typ))


def decode(
    token: str,
    *,
    typ: str | TypPolicy,
    issuer: str,
    audiences: tuple[str, ...],
    lookup: KeyLookup,
    algorithms: frozenset[str],
    cache: VerifiedClaims | None,
    leeway: float,
    required: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Verify ``token`` (see the module's docstring) and return a copy of its claims.

    ``typ`` is the required type (a string: exactly that one) or a
    :class:`~identity.core.jose.policy.TypPolicy`; ``required`` the claims that must be present
    (default :data:`REQUIRED_CLAIMS`). ``lookup`` may raise to say the keys cannot be known at
    all (the caller's own exception passes through).
    """
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
    header, kid = checked_header(token, typ)
    key = lookup(kid)
    if key is None:
        raise _fail("The token is signed by an unknown or retired key, one its issuer does not publish.")
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
            options=_options(required),
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
    if cache is not None and "exp" in claims:
        cache.set(token, (claims, kid), claims["exp"] + leeway - time.time())
    return dict(claims)
