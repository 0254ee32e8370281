"""Small JOSE helpers shared by the provider and the relying-party side."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any


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
