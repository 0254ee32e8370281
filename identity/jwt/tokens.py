"""Signing JWTs with the key store, and RFC 9068 access tokens.

Public functions (the OAuth/OIDC provider signs ID tokens, logout tokens and its own access
tokens with them):

* :func:`sign` — any claims, with ``kid``/``alg``/``typ`` in the header, signed by the key that
  signs now;
* :func:`issue_access_token` — an access token in the shape of RFC 9068 §2.2.
"""

from __future__ import annotations

import time
from typing import Any

import jwt

from identity.conf import identity_settings
from identity.core.crypto import random_id
from identity.jwt import keys
from identity.jwt.verify import ACCESS_TYP, default_audience, issuer

#: Longest access-token lifetime identity issues: it also bounds how long a session's ``sid``
#: stays on the denylist after the session ends.
MAX_ACCESS_LIFETIME = 3600
RESERVED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope", "sid"})


def subject(user: Any) -> str:
    """``sub``: the user's primary key as a string, stable and never reused (not the username)."""
    return str(user.pk)


def sign(claims: dict[str, Any], *, typ: str, alg: str | None = None) -> str:
    """Sign ``claims`` with the key that signs now for ``alg`` (default ``JWT_ALGORITHM``).

    The header carries ``kid``, ``alg`` and ``typ`` (RFC 8725 §3.11: every kind of token has its
    own type). ``claims`` should carry ``exp``: a key stays published until the last ``exp`` it
    signed has passed.
    """
    row = keys.signing_key(alg)
    token = jwt.encode(claims, keys.private_key(row), algorithm=row.alg, headers={"kid": row.kid, "typ": typ})
    if isinstance(claims.get("exp"), int | float):
        keys.store.record_expiry(row, float(claims["exp"]))
    return token


def issue_access_token(
    user: Any,
    *,
    client_id: str,
    scope: str,
    audience: str | None = None,
    sid: str | None = None,
    lifetime: int | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """An access token for ``user`` (RFC 9068 §2.2): header ``typ: at+jwt``; claims ``iss``,
    ``sub``, ``aud`` (default ``JWT_AUDIENCE``), ``exp``, ``iat``, ``jti``, ``client_id``,
    ``scope``, and ``sid`` when a browser session issued it. ``lifetime`` defaults to
    ``JWT_ACCESS_LIFETIME`` and may not exceed :data:`MAX_ACCESS_LIFETIME`. ``extra`` adds
    claims other than those. Returns the token and its claims."""
    seconds = lifetime or identity_settings.JWT_ACCESS_LIFETIME
    if not 0 < seconds <= MAX_ACCESS_LIFETIME:
        raise ValueError(f"An access token lives 1 to {MAX_ACCESS_LIFETIME} seconds, not {seconds}.")
    clash = RESERVED_CLAIMS & set(extra or ())
    if clash:
        raise ValueError(f"extra may not set {', '.join(sorted(clash))}.")
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer(),
        "sub": subject(user),
        "aud": audience or default_audience(),
        "exp": now + seconds,
        "iat": now,
        "jti": random_id(16),
        "client_id": client_id,
        "scope": scope,
    }
    if sid:
        claims["sid"] = sid
    if extra:
        claims.update(extra)
    return sign(claims, typ=ACCESS_TYP), claims
