"""The JWS algorithms a verifier of another party's tokens accepts, and the hash each implies.

:data:`ASYMMETRIC` is the one list of public-key algorithms (RFC 7518 §3.1) accepted from a key
that was *published* (a JWK Set): never ``none`` and never an HMAC, whose key would then be
public (RFC 8725 §2.1, §3.1). Which of them a given key verifies is the key's own ``alg``, never
the token's. The algorithms this site *signs* with are :mod:`identity.jwt.keys`' concern.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

ASYMMETRIC = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})

#: RFC 7518 §3.4: an ECDSA algorithm names its curve.
EC_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}


def _hash_for_alg(alg: str) -> Callable[..., Any]:
    if alg == "EdDSA" or alg.endswith("512"):
        return hashlib.sha512
    if alg.endswith("384"):
        return hashlib.sha384
    return hashlib.sha256


def half_hash(value: str, alg: str) -> str:
    """``at_hash`` / ``c_hash`` (OIDC Core §3.1.3.6): base64url of the left half of the hash
    that matches the JWS algorithm (SHA-256 for RS256/ES256, SHA-512 for EdDSA, ...)."""
    digest = _hash_for_alg(alg)(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).decode().rstrip("=")
