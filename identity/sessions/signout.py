"""Signing the browser out, with the reason its session ends.

Django's ``logout()`` takes no reason and ``user_logged_out`` carries none, so when anything calls
``logout()`` directly, identity's receiver ends the indexed session as a plain sign-out
(``EndReason.LOGOUT``). A view that signs out for another reason (signing out everywhere, another
user signing in on the same browser) calls :func:`sign_out` with that reason instead of passing
it on the request: the indexed session ends first, with the reason (``session_ended`` is sent
there, once), then Django's logout runs, and its receiver finds no live session left to end.
"""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest

from identity.sessions import services
from identity.sessions.models import EndReason


def sign_out(request: HttpRequest, reason: str = EndReason.LOGOUT) -> bool:
    """End this browser's session for ``reason``, then sign it out (``django.contrib.auth.logout``).
    Returns whether an indexed session was ended here."""
    ended = services.end_current_session(request, reason)
    logout(request)
    return ended
