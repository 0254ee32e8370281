"""Starting, touching and ending indexed sessions.

Every ending goes through :func:`end_session`: one conditional UPDATE marks the row ended, and
only the caller whose UPDATE changed the row sends ``session_ended``, so the signal fires
exactly once per session even when a sign-out, an admin action and the cleanup race.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import timedelta
from importlib import import_module
from typing import Any, cast

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from identity.conf import identity_settings
from identity.core.crypto import Sealer, keyed_hash, secret_key_sealer
from identity.core.net import client_ip
from identity.sessions.models import EndReason, UserSession
from identity.signals import session_ended

SID_KEY = "_identity_sid"
SEEN_KEY = "_identity_seen"
KEY_REF = "_identity_key"


def _sealer() -> Sealer:
    return secret_key_sealer("identity.sessions.session-key")


def session_store(session_key: str | None = None) -> SessionBase:
    store: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore  # Django's engine contract
    return store(session_key)


def _key_ref(session_key: str) -> str:
    return keyed_hash("identity.sessions.key-ref", session_key)[:16]


def _expiry_hint() -> Any:
    return timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)


def _client_fields(request: HttpRequest) -> dict[str, Any]:
    return {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")[:400]}


def current_sid(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.get(SID_KEY) if session is not None else None


def start(request: HttpRequest, user: Any) -> UserSession:
    """Index the session that ``login()`` has just created (its key is already rotated).

    The same user signing in again (``renew``, ``prompt=login``) keeps their ``sid``: the
    single sign-on session continues with a fresh password time and a new session key. The
    ``auth_time`` (OIDC Core §2) is now: this runs from ``user_logged_in``, right after the user
    proved who they are (or from :func:`touch`, for a session older than identity's index).
    """
    session = request.session
    key = session.session_key
    if key is None:
        session.save()
        key = cast(str, session.session_key)  # save() gives a session without a key its key
    now = timezone.now()
    fields = {
        "sealed_session_key": _sealer().seal(key),
        "last_seen": now,
        "expires_at": _expiry_hint(),
        **_client_fields(request),
    }
    sid = session.get(SID_KEY)
    row = None
    if sid and UserSession.objects.live().filter(sid=sid, user=user).update(auth_time=now, **fields):
        row = UserSession.objects.get(sid=sid)
    if row is None:
        row = UserSession.objects.create(user=user, auth_time=now, **fields)
    session[SID_KEY] = row.sid
    session[SEEN_KEY] = int(time.time())
    session[KEY_REF] = _key_ref(key)
    return row


def touch(request: HttpRequest, user: Any) -> bool:
    """Keep the index current for an authenticated session; False if the session was ended.

    Writes happen at most once per ``SESSION_LAST_SEEN_INTERVAL``, so a session request costs no
    extra query. The write also notices a row ended while the store could not be reached (the
    session is then flushed), so an ended session dies within that interval at the latest.
    """
    session = request.session
    sid = session.get(SID_KEY)
    key = session.session_key
    if not sid:
        start(request, user)  # a session from before identity was installed
        return True
    # Someone called cycle_key() since the index last saw this session: the key it runs under now.
    cycled = key if key is not None and session.get(KEY_REF) != _key_ref(key) else None
    now = int(time.time())
    if cycled is None and now - int(session.get(SEEN_KEY, 0)) < identity_settings.SESSION_LAST_SEEN_INTERVAL:
        return True
    fields: dict[str, Any] = {"last_seen": timezone.now(), "expires_at": _expiry_hint(), **_client_fields(request)}
    if cycled is not None:  # keep the sealed key deletable
        fields["sealed_session_key"] = _sealer().seal(cycled)
    if not UserSession.objects.live().filter(sid=sid, user=user).update(**fields):
        session.flush()
        return False
    session[SEEN_KEY] = now
    if cycled is not None:
        session[KEY_REF] = _key_ref(cycled)
    return True


def end_session(row: UserSession, reason: str) -> bool:
    """End one indexed session: mark it, send ``session_ended`` once, delete it from its store.

    Returns False if it had already ended. Safe to call from anywhere, concurrently.
    """
    now = timezone.now()
    with transaction.atomic():
        if not UserSession.objects.filter(pk=row.pk, ended_at__isnull=True).update(ended_at=now, end_reason=reason):
            return False
        row.ended_at, row.end_reason = now, reason
        session_ended.send(sender=UserSession, session=row, user=row.user, reason=reason)
    key = _sealer().unseal(row.sealed_session_key)
    if key:
        transaction.on_commit(lambda: _delete_from_store(key))
    return True


def _delete_from_store(session_key: str) -> None:
    try:
        session_store(session_key).delete(session_key)
    except Exception:  # noqa: BLE001 - the row is ended; touch() finishes the job if the store is down
        import logging

        logging.getLogger("identity.sessions").warning("Could not delete an ended session from its store.")


def end_sessions(rows: Iterable[UserSession], reason: str) -> int:
    return sum(end_session(row, reason) for row in rows)


def end_user_sessions(user: Any, reason: str, *, except_sid: str | None = None) -> int:
    rows = UserSession.objects.live().filter(user=user).select_related("user")
    if except_sid:
        rows = rows.exclude(sid=except_sid)
    return end_sessions(list(rows), reason)


def end_current_session(request: HttpRequest, reason: str = EndReason.LOGOUT) -> bool:
    sid = current_sid(request)
    if not sid:
        return False
    row = UserSession.objects.live().filter(sid=sid).select_related("user").first()
    return end_session(row, reason) if row else False


def session_is_gone(row: UserSession) -> bool:
    """True if the row's session no longer exists (or has expired) in its store."""
    key = _sealer().unseal(row.sealed_session_key)
    if not key:
        return True
    data = session_store(key).load()
    return data.get(SID_KEY) != row.sid
