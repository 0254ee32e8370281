"""What a JWS must look like before its signature is even tried: the size caps, the header
parameters refused, and the explicit types (``typ``) each kind of token may carry.

The header is read before the signature is verified, so everything in it is the sender's
choice. Keys come from configuration only (this site's key store, or a JWK Set at a configured
URL): ``jku``, ``x5u``, ``jwk`` and ``x5c`` would let a token name its own key (RFC 8725 §3.10),
and ``crit`` lists extensions no verifier here understands, which RFC 7515 §4.1.11 says to refuse.
``typ`` separates kinds of JWT signed by the same key (RFC 8725 §3.11): an ID token or a logout
token never passes as an access token, nor the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from identity.exceptions import InvalidToken

#: Refused before any parsing (PyJWT has no cap: a forged 1.3 MB token costs 37 ms of CPU).
#: Below the core's 8 KB cap on the Authorization header, so a token too large for us is
#: answered as an invalid token (401), not a malformed header (400).
MAX_TOKEN_LENGTH = 8000
MAX_HEADER_LENGTH = 1024
FORBIDDEN_HEADERS = frozenset({"crit", "jku", "x5u", "x5c", "jwk"})


@dataclass(frozen=True)
class TypPolicy:
    """The header ``typ`` values a kind of token may carry, compared without case and without
    an ``application/`` prefix (RFC 7515 §4.1.9); ``None`` in ``accepted`` admits no ``typ``."""

    name: str
    accepted: frozenset[str | None]

    def allows(self, value: Any) -> bool:
        if value is None:
            return None in self.accepted
        if not isinstance(value, str):
            return False
        value = value.lower()
        if value.startswith("application/"):
            value = value[len("application/") :]
        return value in self.accepted


#: RFC 9068 §4: an access token must say ``at+jwt``.
ACCESS_TOKEN = TypPolicy("at+jwt", frozenset({"at+jwt"}))
#: OIDC Core defines no ``typ`` for ID tokens; providers send ``JWT`` or none. Any other explicit
#: type (``at+jwt``, ``logout+jwt``) is another kind of token.
ID_TOKEN = TypPolicy("JWT", frozenset({None, "jwt"}))
#: OIDC Back-Channel Logout §2.4: ``logout+jwt`` is recommended, so an untyped token is accepted;
#: ``JWT`` is refused, as it is what ID tokens carry (the specification's cross-JWT confusion
#: concern). The claims checks of §2.6 (``events``, no ``nonce``) apply on top.
LOGOUT_TOKEN = TypPolicy("logout+jwt", frozenset({"logout+jwt", None}))

_exact: dict[str, TypPolicy] = {}


def typ_policy(typ: str | TypPolicy) -> TypPolicy:
    """``typ`` as a policy: a string is that one type, required (this site's own tokens, which
    it always types)."""
    if isinstance(typ, TypPolicy):
        return typ
    policy = _exact.get(typ)
    if policy is None:
        policy = _exact[typ] = TypPolicy(typ, frozenset({typ.lower().removeprefix("application/")}))
    return policy


def _fail(description: str) -> InvalidToken:
    return InvalidToken(description, scheme="bearer")


def check_header(header: dict[str, Any], typ: TypPolicy) -> str:
    """The header's ``kid`` if the header passes the policy; :class:`InvalidToken` if not."""
    if not FORBIDDEN_HEADERS.isdisjoint(header):
        raise _fail("The token header has a parameter that is not accepted (crit, jku, x5u, x5c or jwk).")
    if not typ.allows(header.get("typ")):
        raise _fail(f"The token is not of type {typ.name}.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _fail("The token header names no key (kid).")
    return kid
