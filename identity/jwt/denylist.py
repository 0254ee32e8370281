"""The denylist: revoked access tokens (by ``jti``) and ended sessions (by ``sid``).

An entry is recorded in the database (the record, in the revoking transaction), applied at once
by the worker that made it, and copied to Redis after commit, from where every other worker's
replica picks it up within ``DENYLIST_SYNC_INTERVAL`` (:mod:`identity.jwt.replica`). An entry
lives until the tokens it denies have expired, then the cleanup deletes it.

The OAuth/OIDC provider puts its own access tokens here with :func:`deny_jti` and
:func:`deny_sid`; the JWT authenticators call :func:`is_denied` on every request.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from identity.jwt.models import DeniedKind, DeniedToken
from identity.jwt.replica import Entry, issuer_replica, remote_replica


def _as_datetime(value: datetime | float | int) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromtimestamp(float(value), tz=UTC)


def deny(entries: Iterable[tuple[str, str, datetime | float | int]], reason: str = "") -> int:
    """Record ``(kind, value, until)`` entries; they take effect on this worker when the
    current transaction commits, and on every worker within the sync interval."""
    now = timezone.now()
    rows = [
        DeniedToken(kind=kind, value=value, expires_at=_as_datetime(until), reason=reason[:32], created_at=now)
        for kind, value, until in entries
        if value
    ]
    rows = [row for row in rows if row.expires_at > now]
    if not rows:
        return 0
    DeniedToken.objects.bulk_create(rows, ignore_conflicts=True)
    published: list[Entry] = [(row.kind, row.value, row.expires_at.timestamp()) for row in rows]
    transaction.on_commit(lambda: issuer_replica().publish(published))
    return len(rows)


def deny_jti(jti: str, expires_at: datetime | float | int, *, reason: str = "revoked") -> None:
    """Deny one access token until ``expires_at`` (its ``exp``: a datetime or Unix time)."""
    deny([(DeniedKind.JTI, jti, expires_at)], reason)


def deny_sid(sid: str, until: datetime | float | int, *, reason: str = "session_ended") -> None:
    """Deny every token carrying ``sid`` until ``until`` (when the longest-lived of them expires)."""
    deny([(DeniedKind.SID, sid, until)], reason)


def sync_if_due() -> None:
    """Sync this worker's replica (the denylist, and the versions its round trip carries, such
    as the key set's) if it is older than ``DENYLIST_SYNC_INTERVAL``: a time comparison, and one
    round trip per interval."""
    issuer_replica().sync_if_due()


def is_denied(claims: dict[str, Any]) -> bool:
    """The per-request check of the JWT authenticator: no I/O except a replica sync at most once
    per ``DENYLIST_SYNC_INTERVAL``."""
    return issuer_replica().is_denied(claims.get("jti"), claims.get("sid"))


def is_denied_remote(claims: dict[str, Any]) -> bool:
    """The same check against another issuer's denylist (``REMOTE_JWT_DENYLIST``)."""
    return remote_replica().is_denied(claims.get("jti"), claims.get("sid"))
