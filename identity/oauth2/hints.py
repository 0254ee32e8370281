"""``id_token_hint`` (OIDC Core §3.1.2.1, RP-Initiated Logout §2): an ID token we issued, naming
the user a client believes is signed in.

It is verified like any of our JWTs (our key by ``kid``, the key's own algorithm, header ``typ``
``JWT`` so an access or logout token cannot pose as one, ``iss``, ``aud``) except for ``exp``: an
RP usually holds an expired ID token by the time its user signs out, and RP-Initiated Logout §4
asks the provider to accept it. A hint only identifies; it never grants anything.
"""

from __future__ import annotations

from typing import Any

import jwt

from identity.oauth2.models import Client

FORBIDDEN_HEADERS = ("crit", "jku", "x5u", "x5c", "jwk")


def verified_id_token(token: str, client: Client) -> dict[str, Any] | None:
    """The claims of ``token`` if we signed it as an ID token for ``client``, else None."""
    from identity.jwt.keys import verification_key
    from identity.jwt.verify import issuer

    if not token or len(token) > 8192:
        return None
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return None
    kid = header.get("kid")
    if header.get("typ") != "JWT" or any(name in header for name in FORBIDDEN_HEADERS) or not isinstance(kid, str):
        return None
    key = verification_key(kid)
    if key is None or header.get("alg") != key.alg:
        return None
    try:
        return jwt.decode(
            token,
            key.key,
            algorithms=[key.alg],
            audience=client.client_id,
            issuer=issuer(),
            options={"verify_exp": False, "require": ["iss", "aud", "sub", "iat"]},
        )
    except (jwt.PyJWTError, TypeError, ValueError):
        return None


def id_token_hint_subject(token: str, client: Client) -> str | None:
    claims = verified_id_token(token, client)
    return str(claims["sub"]) if claims and claims.get("sub") else None
