"""Small cryptographic helpers shared by every mechanism: digests for secrets stored at rest,
constant-time comparison, keyed hashes, and sealing (authenticated encryption) of values that
must be recovered later, such as a session key the index needs to end a session."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.encoding import force_bytes

from identity.conf import on_reload


def sha256_hex(value: str | bytes) -> str:
    """Digest under which a high-entropy secret (token, client secret) is stored and looked up."""
    return hashlib.sha256(force_bytes(value)).hexdigest()


def constant_time_equals(a: str | bytes, b: str | bytes) -> bool:
    return hmac.compare_digest(force_bytes(a), force_bytes(b))


def keyed_hash(purpose: str, value: str | bytes) -> str:
    """HMAC-SHA256 under a key derived from SECRET_KEY for ``purpose``: for cache keys and
    verdicts that must not reveal (or let an attacker precompute) the value."""
    return hmac.new(_derived_key(purpose, settings.SECRET_KEY), force_bytes(value), hashlib.sha256).hexdigest()


def random_id(nbytes: int = 16) -> str:
    """A URL-safe random identifier (``secrets``), e.g. a session's public ``sid``."""
    return secrets.token_urlsafe(nbytes)


def _derived_key(purpose: str, secret: str | bytes) -> bytes:
    return _hkdf(force_bytes(secret), purpose)


@lru_cache(maxsize=64)
def _hkdf(secret: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"identity", info=force_bytes(purpose)).derive(secret)


class Sealer:
    """Fernet (AES-128-CBC + HMAC-SHA256) under keys derived for one purpose.

    The first secret seals; every secret unseals, so rotating a key-encryption key works
    like Django's ``SECRET_KEY_FALLBACKS``.
    """

    def __init__(self, purpose: str, secrets_: Sequence[str | bytes]) -> None:
        keys = [Fernet(base64.urlsafe_b64encode(_derived_key(purpose, s))) for s in secrets_]
        self._fernet = MultiFernet(keys)

    def seal(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def unseal(self, token: str) -> str | None:
        """The sealed value, or None if no key opens it (tampered, or keys rotated away)."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except (InvalidToken, ValueError):
            return None


@lru_cache(maxsize=16)
def secret_key_sealer(purpose: str) -> Sealer:
    """A sealer keyed by SECRET_KEY (and its fallbacks)."""
    return Sealer(purpose, [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])])


@on_reload
def _clear() -> None:
    secret_key_sealer.cache_clear()
