"""Verifying this site's own JWTs: the strict checks of :func:`identity.core.jose.decode.decode`
(size, header policy, the key's own algorithm, claims) against the key store in memory.

A verified token is remembered per process, keyed by the whole token string, until it expires;
a repeat is then a dictionary lookup plus the ``exp`` check and a check that its key is still in
the key set (the denylist is checked by the caller on every request, cached or not). The cache
is also emptied when a key leaves the key set. The remote verifier
(:mod:`identity.jwt.remote`) keeps its own :class:`VerifiedCache` the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from identity.conf import identity_settings, on_reload
from identity.core.bounded import BoundedCache
from identity.core.jose.decode import decode
from identity.core.jose.issuer import issuer
from identity.jwt import keys

ACCESS_TYP = "at+jwt"

__all__ = [
    "ACCESS_TYP",
    "VerifiedCache",
    "decode",
    "default_audience",
    "issuer",
    "verify",
]


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
