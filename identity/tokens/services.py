"""Creating, resolving and revoking opaque tokens.

Resolving is the hot path. With a shared cache (Redis), a token resolves in one cache round
trip and no SQL: the cache holds ``(token id, user, expiry)`` under the token's digest. Two
details keep that cache honest:

* a revocation writes a *tombstone* in place of the entry (after its transaction commits), and
  a request that read the row just before only ever ``add``\\ s its entry, so it can never put a
  revoked token back;
* ``last_used_at`` is written at most once per ``TOKEN_LAST_USED_INTERVAL``, guarded by a
  second key read in the same round trip, so the write costs one query a minute, not one per
  request.

Without a shared cache every request reads the row (one SELECT joined with the user).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from identity.conf import identity_settings
from identity.core import users
from identity.core.caching import guarded, shared_cache
from identity.core.crypto import sha256_hex
from identity.core.net import client_ip
from identity.exceptions import InvalidToken
from identity.tokens.models import APIToken, RevokeReason

PREFIX = "idt_"
TOKEN_BYTES = 32
_SHAPE = re.compile(r"idt_[A-Za-z0-9_-]{43,200}\Z")
_TOMBSTONE = "revoked"
_UNSET: Any = object()

INVALID = "The token is not valid or has been revoked."
EXPIRED = "The token has expired."


@dataclass(frozen=True)
class ResolvedToken:
    """What a request authenticated by an opaque token carries as ``request.auth``."""

    id: int
    user: Any
    expires_at: float | None  # Unix time


def new_token() -> str:
    """``idt_`` + base64url of 32 random bytes (RFC 6750 §2.1 b64token characters)."""
    return PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def _entry_key(digest: str) -> str:
    return f"identity:tok:{digest}"


def _seen_key(digest: str) -> str:
    return f"identity:tok:seen:{digest}"


def create_token(user: Any, *, name: str = "", lifetime: Any = _UNSET, session_sid: str = "") -> tuple[str, APIToken]:
    """Create a token for ``user``; return it (shown once, never stored) and its row."""
    seconds = identity_settings.TOKEN_LIFETIME if lifetime is _UNSET else lifetime
    token = new_token()
    row = APIToken.objects.create(
        user=user,
        name=name[:100],
        digest=sha256_hex(token),
        prefix=token[len(PREFIX) : len(PREFIX) + 8],
        expires_at=timezone.now() + timedelta(seconds=int(seconds)) if seconds else None,
        session_sid=session_sid or "",
    )
    return token, row


def looks_like_token(value: str) -> bool:
    return value.startswith(PREFIX)


def resolve(token: str, request: HttpRequest | None = None) -> ResolvedToken:
    """The live token ``token`` and its user, or :class:`InvalidToken` (RFC 6750 §3.1)."""
    if not _SHAPE.match(token):
        raise InvalidToken(INVALID, scheme="bearer")
    digest = sha256_hex(token)
    cache = shared_cache(identity_settings.TOKEN_CACHE)
    if cache is None:
        return _resolve_from_database(digest, request)
    entry_key, seen_key = _entry_key(digest), _seen_key(digest)
    found = guarded(lambda: cache.get_many([entry_key, seen_key]), None)
    if found is None:  # the cache is down: the database answers
        return _resolve_from_database(digest, request)
    entry = found.get(entry_key)
    if entry == _TOMBSTONE:
        raise InvalidToken(INVALID, scheme="bearer")
    if entry is None:
        resolved = _resolve_from_database(digest, request, write_last_used=False)
        ttl = _cache_ttl(resolved.expires_at)
        value = (resolved.id, resolved.user, resolved.expires_at)
        guarded(lambda: cache.add(entry_key, value, ttl), None)
    else:
        token_id, user, expires_at = entry
        resolved = ResolvedToken(token_id, user, expires_at)
        _check_expiry(resolved)
    if seen_key not in found:
        interval = identity_settings.TOKEN_LAST_USED_INTERVAL
        if guarded(lambda: cache.add(seen_key, 1, interval), False):
            _write_last_used(resolved.id, request)
    return resolved


def _cache_ttl(expires_at: float | None) -> int:
    ttl = identity_settings.TOKEN_CACHE_SECONDS
    if expires_at is not None:
        ttl = min(ttl, int(expires_at - timezone.now().timestamp()) + 1)
    return max(ttl, 1)


def _check_expiry(resolved: ResolvedToken) -> None:
    if resolved.expires_at is not None and resolved.expires_at <= timezone.now().timestamp():
        raise InvalidToken(EXPIRED, scheme="bearer")
    if not resolved.user.is_active:
        raise InvalidToken(INVALID, scheme="bearer")


class _Lookup:
    """The token lookup, compiled once per database alias.

    Four columns by a unique index, no join, no ORDER BY; the user comes from the per-process
    user cache (identity.core.users), so this is the only query of the request. Building the
    query through the ORM costs more than running it (~0.2 ms of Python per request), so the
    SQL and Django's value converters are prepared once and reused, with only the digest bound.
    """

    def __init__(self, alias: str) -> None:
        queryset = (
            APIToken.objects.using(alias)
            .filter(digest="", revoked_at__isnull=True)
            .order_by()
            .values_list("pk", "user_id", "expires_at", "last_used_at")[:1]
        )
        self.compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        if list(params) != [""]:  # the digest must be the one and only parameter
            raise ImproperlyConfigured("Unexpected parameters in the token lookup.")
        self.converters = self.compiler.get_converters([col for col, _, _ in self.compiler.select])
        self.alias = alias

    def __call__(self, digest: str) -> tuple[Any, ...] | None:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, [digest])
            rows = cursor.fetchall()
        if not rows:
            return None
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return tuple(rows[0])


_lookups: dict[str, _Lookup] = {}


def _find(digest: str) -> tuple[Any, ...] | None:
    alias = router.db_for_read(APIToken)
    lookup = _lookups.get(alias)
    if lookup is None:
        lookup = _lookups[alias] = _Lookup(alias)
    return lookup(digest)


def _resolve_from_database(digest: str, request: HttpRequest | None, write_last_used: bool = True) -> ResolvedToken:
    found = _find(digest)
    if found is None:
        raise InvalidToken(INVALID, scheme="bearer")
    token_id, user_id, expires_at, last_used_at = found
    user = users.get_user(user_id, users.default_backend())
    if user is None:  # deleted, or inactive (the backend refuses it)
        raise InvalidToken(INVALID, scheme="bearer")
    resolved = ResolvedToken(token_id, user, expires_at.timestamp() if expires_at else None)
    _check_expiry(resolved)
    if write_last_used:
        interval = timedelta(seconds=identity_settings.TOKEN_LAST_USED_INTERVAL)
        if last_used_at is None or last_used_at <= timezone.now() - interval:
            _write_last_used(token_id, request)
    return resolved


def _write_last_used(token_id: int, request: HttpRequest | None) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {"last_used_at": now}
    if request is not None:
        fields["last_used_ip"] = client_ip(request)
    APIToken.objects.filter(pk=token_id).update(**fields)


def revoke(tokens: QuerySet[APIToken], reason: str) -> int:
    """Revoke live tokens; their cache entries become tombstones once the revocation commits."""
    live = list(tokens.filter(revoked_at__isnull=True).values_list("pk", "digest"))
    if not live:
        return 0
    count = APIToken.objects.filter(pk__in=[pk for pk, _ in live], revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason
    )
    digests = [digest for _, digest in live]
    transaction.on_commit(lambda: _tombstone(digests))
    return count


def _tombstone(digests: list[str]) -> None:
    cache = shared_cache(identity_settings.TOKEN_CACHE)
    if cache is not None and digests:
        entries = {_entry_key(d): _TOMBSTONE for d in digests}
        guarded(lambda: cache.set_many(entries, identity_settings.TOKEN_CACHE_SECONDS), None)


def revoke_for_session(sid: str) -> int:
    return revoke(APIToken.objects.filter(session_sid=sid), RevokeReason.SESSION_ENDED)


def revoke_for_user(user: Any, reason: str) -> int:
    return revoke(APIToken.objects.filter(user=user), reason)


def forget_user(user: Any) -> None:
    """Drop cached entries of ``user``'s live tokens so the next request reads the changed user."""
    cache = shared_cache(identity_settings.TOKEN_CACHE)
    if cache is None or user.pk is None:
        return
    keys = [_entry_key(d) for d in APIToken.objects.live().filter(user=user).values_list("digest", flat=True)]
    if keys:
        guarded(lambda: cache.delete_many(keys), None)


def expires_at_iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` (the contract's ``expires_at``), or None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
