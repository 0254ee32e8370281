"""HTTP Basic (RFC 7617) as an authenticator of the core.

A password check costs ~0.2 s of PBKDF2 here, so failures are throttled per username and per
client IP (:mod:`identity.core.throttling`), and a correct credential is remembered in process
for ``BASIC_VERDICT_CACHE_SECONDS`` under an HMAC of the credential: a script calling an API in
a loop pays PBKDF2 once a minute, not on every request. The verdict also records a digest of
the stored password hash, so it dies the moment the password changes.
"""

from __future__ import annotations

import binascii
from base64 import b64decode
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest

from identity.conf import identity_settings, on_reload
from identity.core import challenges, users
from identity.core.authenticators import Authenticator, AuthResult
from identity.core.bounded import BoundedCache
from identity.core.crypto import constant_time_equals, keyed_hash, sha256_hex
from identity.core.reach import BASIC_REACH
from identity.core.throttling import PasswordThrottle
from identity.exceptions import IdentityError, InvalidCredentials, MalformedCredentials

_verdicts: BoundedCache[tuple[Any, str, str]] = BoundedCache(1024)


@on_reload
def _reset() -> None:
    _verdicts.clear()
    _verdicts.maxsize = identity_settings.BASIC_VERDICT_CACHE_SIZE


def decode_credentials(credentials: str) -> tuple[str, str]:
    """``base64(user-id ":" password)`` in UTF-8 (RFC 7617 §2.1), strictly."""
    try:
        decoded = b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise MalformedCredentials("The Basic credentials are not valid base64-encoded UTF-8.") from None
    username, sep, password = decoded.partition(":")
    if not sep or not username:
        raise MalformedCredentials("The Basic credentials must be user-id:password.")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in decoded):
        raise MalformedCredentials("The Basic credentials contain control characters.")
    return username, password


def _password_ref(user: Any) -> str:
    return sha256_hex(user.password or "")[:32]


class BasicAuthenticator(Authenticator):
    method = "basic"
    schemes = ("basic",)

    def enabled(self) -> bool:
        return identity_settings.BASIC_ENABLED

    def authenticate_header(self, request: HttpRequest, scheme: str, credentials: str) -> AuthResult | None:
        username, password = decode_credentials(credentials)
        verdict_key = keyed_hash("identity.basic.verdict", f"{username}\x00{password}")
        user = self._remembered(verdict_key)
        if user is None:
            throttle = PasswordThrottle(request, username)
            throttle.check()
            user = authenticate(request, username=username, password=password)
            if user is None or not user.is_active:
                throttle.failure()
                raise InvalidCredentials("Invalid username or password.", scheme="basic")
            throttle.success()
            users.remember(user, user.backend)
            verdict = (user.pk, user.backend, _password_ref(user))
            _verdicts.set(verdict_key, verdict, identity_settings.BASIC_VERDICT_CACHE_SECONDS)
        return AuthResult(user=user, method=self.method, reach=BASIC_REACH)

    def _remembered(self, verdict_key: str) -> Any:
        verdict = _verdicts.get(verdict_key)
        if verdict is None:
            return None
        pk, backend, password_ref = verdict
        user = users.get_user(pk, backend)
        if user is None or not user.is_active or not constant_time_equals(password_ref, _password_ref(user)):
            _verdicts.pop(verdict_key)
            return None
        return user

    def challenge(self, request: HttpRequest, error: IdentityError | None = None) -> str | None:
        return challenges.basic()
