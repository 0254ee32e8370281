"""The session cookie as an authenticator of the core (no challenge: cookies have no scheme).

It resolves the user as ``django.contrib.auth.get_user`` does (the session auth hash is checked
on every request, so a changed password fails at once, and ``SECRET_KEY_FALLBACKS`` are honoured)
but loads the user through :mod:`identity.core.users`, so a session request on a Redis store
costs one Redis round trip and no SQL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from identity.core import users
from identity.core.authenticators import Authenticator, AuthResult
from identity.core.reach import SESSION_REACH
from identity.sessions.models import EndReason, UserSession
from identity.sessions.services import SID_KEY, end_session, touch


def session_user(request: HttpRequest) -> Any | None:
    session = request.session
    try:
        user_id = session[SESSION_KEY]
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return None
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = users.get_user(user_id, backend_path)
    if user is None:
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash:
        session.flush()
        return None
    current = user.get_session_auth_hash()
    if constant_time_compare(session_hash, current):
        return user
    if any(constant_time_compare(session_hash, h) for h in user.get_session_auth_fallback_hash()):
        session.cycle_key()  # signed with a retired SECRET_KEY: re-sign, as Django does
        session[HASH_SESSION_KEY] = current
        return user
    session.flush()
    return None


class SessionAuthenticator(Authenticator):
    method = "session"

    def authenticate(self, request: HttpRequest) -> AuthResult | None:
        if not hasattr(request, "session"):
            return None
        sid = request.session.get(SID_KEY)
        user = session_user(request)
        if user is None:
            if sid:  # the session was flushed (its auth hash no longer matched): end its row too
                row = UserSession.objects.live().filter(sid=sid).select_related("user").first()
                if row is not None:
                    end_session(row, EndReason.INVALIDATED)
            return None
        if not touch(request, user):
            return None
        return AuthResult(user=user, method=self.method, reach=SESSION_REACH)
