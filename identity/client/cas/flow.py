"""Signing in through a CAS server (CAS 3.0) by settings alone.

``start()`` sends the browser to the server's ``login`` with this site's service URL plus a
fresh random ``state`` (``/accounts/cas/callback/?state=…``). CAS sends the browser back to that
URL with ``&ticket=ST-…`` appended (CAS 3.0 §2.2.4), and the callback accepts the ticket only
for a state this browser's session holds, then validates it for exactly that service URL
(§2.5.1: the ticket is bound to the service it was issued for). An attacker's ticket loaded in a
victim's browser (login CSRF, the CAS counterpart of RFC 6749 §10.12) carries the attacker's
state, which her session does not hold, or no state at all; and a ticket issued for one state
fails validation under another. Register a *prefix* covering the callback on the server.

``end()`` runs after the local session has ended and sends the browser to the server's
``logout`` with this site's home as ``service``, so signing out here signs out of the single
sign-on session, which in turn signs the user out of every other site it reached.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from identity.client.cas import validation
from identity.client.flows import SignInFlow
from identity.conf import identity_settings
from identity.core.crypto import constant_time_equals

#: Sign-ins this browser started and has not finished: ``state -> {"next", "service",
#: "created"}`` in the server-side session. Several tabs may sign in at once; the oldest beyond
#: ``MAX_PENDING`` and any older than ``PENDING_TTL`` seconds are dropped.
PENDING_KEY = "_identity_cas_pending"
MAX_PENDING = 5
PENDING_TTL = 600
MAX_STATE_LENGTH = 64


def base_service_url(request: HttpRequest) -> str:
    """``CLIENT_CAS_SERVICE_URL``, or this site's callback built from the request."""
    configured = identity_settings.CLIENT_CAS_SERVICE_URL
    return configured or request.build_absolute_uri(reverse("identity_client:cas-callback"))


def service_url(request: HttpRequest, state: str) -> str:
    """The base service URL with ``state`` added to its query (before any fragment)."""
    base, hash_, fragment = base_service_url(request).partition("#")
    separator = "" if base.endswith(("?", "&")) else "&" if "?" in base else "?"
    return f"{base}{separator}{urlencode({'state': state})}{hash_}{fragment}"


def home_url(request: HttpRequest) -> str:
    return identity_settings.CLIENT_CAS_LOGOUT_REDIRECT_URL or request.build_absolute_uri("/")


def _live_pending(request: HttpRequest, now: float) -> dict[str, dict[str, Any]]:
    stored = request.session.get(PENDING_KEY)
    if not isinstance(stored, dict):
        return {}
    return {
        key: entry
        for key, entry in stored.items()
        if isinstance(entry, dict) and now - float(entry.get("created", 0)) < PENDING_TTL
    }


def begin(request: HttpRequest, next_url: str) -> str:
    """Record a new pending sign-in in the session; return the service URL that carries it."""
    now = time.time()
    pending = _live_pending(request, now)
    state = secrets.token_urlsafe(16)
    service = service_url(request, state)
    pending[state] = {"next": next_url, "service": service, "created": now}
    while len(pending) > MAX_PENDING:
        pending.pop(min(pending, key=lambda key: float(pending[key]["created"])))
    request.session[PENDING_KEY] = pending
    return service


def take(request: HttpRequest, state: str | None) -> dict[str, Any] | None:
    """The pending sign-in ``state`` names, removed from the session (a state is good for one
    callback), or None: unknown, expired or malformed. Every key is compared in constant time."""
    if not state or len(state) > MAX_STATE_LENGTH:
        return None
    pending = _live_pending(request, time.time())
    found = None
    for key in list(pending):
        if constant_time_equals(key, state):
            found = key
    started = pending.pop(found) if found is not None else None
    request.session[PENDING_KEY] = pending
    return started


class CasSignInFlow(SignInFlow):
    name = "cas"

    def start(self, request: HttpRequest, next_url: str) -> HttpResponse:
        return HttpResponseRedirect(validation.login_url(begin(request, next_url)))

    def end(self, request: HttpRequest, user_was_signed_in: bool) -> HttpResponse:
        return HttpResponseRedirect(validation.logout_url(home_url(request)))
