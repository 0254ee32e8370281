"""Client secrets: generated with a CSPRNG, shown once, stored only as a keyed hash.

A generated secret has 256 bits of entropy, so a slow password hasher adds nothing against
guessing and costs every token request a few hundred milliseconds (django-oauth-toolkit's
PBKDF2 caps a server at a handful of token requests per second per core). An HMAC-SHA256 under
a key derived from ``SECRET_KEY`` is as strong for such secrets and costs a microsecond; a
stolen database alone does not let anyone test guesses offline. ``SECRET_KEY_FALLBACKS`` keep
verifying, so rotating ``SECRET_KEY`` does not lock clients out (RFC 6749 §2.3.1, RFC 9700 §2.5).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as _secrets

from django.conf import settings
from django.utils.encoding import force_bytes

from identity.core.crypto import _derived_key, constant_time_equals

PURPOSE = "identity.oauth2.client-secret"


def generate() -> str:
    """A new client secret: 32 random bytes, URL-safe."""
    return _secrets.token_urlsafe(32)


def _digest(secret: str, key: str | bytes) -> str:
    return hmac.new(_derived_key(PURPOSE, key), force_bytes(secret), hashlib.sha256).hexdigest()


def digest(secret: str) -> str:
    """What is stored: HMAC-SHA256 of the secret under the current SECRET_KEY."""
    return _digest(secret, settings.SECRET_KEY)


def verify(secret: str, stored: str) -> tuple[bool, bool]:
    """``(matches, needs_rehash)``; the second is True when an older SECRET_KEY matched."""
    if not stored or not secret:
        return False, False
    if constant_time_equals(digest(secret), stored):
        return True, False
    for key in getattr(settings, "SECRET_KEY_FALLBACKS", []):
        if constant_time_equals(_digest(secret, key), stored):
            return True, True
    return False, False
