"""RP-Initiated Logout 1.0: a client sends the browser here to end the single sign-on session.

``post_logout_redirect_uri`` must exactly match one the client registered, or nobody is
redirected anywhere (§3). Without a valid ``id_token_hint`` for the signed-in user, the user
confirms first (§2: a logout link must not sign anyone out on an attacker's behalf). Ending the
session sends ``session_ended``, which queues back-channel logout tokens to every client
that holds tokens of this session. Idempotent: a signed-out browser is simply sent on.
"""

from __future__ import annotations

from typing import Any

import jwt
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from oauthlib.common import add_params_to_uri

from identity.core.pages import identity_page
from identity.oauth2 import protocol
from identity.oauth2.claims import subject
from identity.oauth2.hints import verified_id_token
from identity.oauth2.models import Client
from identity.oauth2.validator import find_client
from identity.oauth2.views.guards import provider_view

LOGOUT_PARAMS = frozenset(
    {"id_token_hint", "client_id", "post_logout_redirect_uri", "state", "logout_hint", "ui_locales"}
)


def _hint_audience(hint: str) -> str | None:
    """Which client an ID token names, read only to pick the audience it is then *verified*
    against (nothing unverified is trusted: a forged hint fails verification)."""
    try:
        aud = jwt.decode(hint, options={"verify_signature": False}).get("aud")
    except jwt.PyJWTError:
        return None
    if isinstance(aud, list):
        return aud[0] if len(aud) == 1 and isinstance(aud[0], str) else None
    return aud if isinstance(aud, str) else None


@identity_page
@csrf_exempt
@provider_view
def end_session(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    data = request.POST if request.method == "POST" else request.GET
    params = dict(protocol.params(data, LOGOUT_PARAMS))
    if request.method == "POST" and "confirm" in request.POST:
        return csrf_protect(_confirmed)(request, params)
    return protocol.protect_page(_end_session(request, params, confirmed=False))


def _confirmed(request: HttpRequest, params: dict[str, str]) -> HttpResponse:
    return protocol.protect_page(_end_session(request, params, confirmed=True))


def _end_session(request: HttpRequest, params: dict[str, str], *, confirmed: bool) -> HttpResponse:
    hint = params.get("id_token_hint")
    client_id = params.get("client_id") or (_hint_audience(hint) if hint else None)
    client: Client | None = find_client(client_id) if client_id else None
    if client_id and client is None:
        return _error(request, "The application asking to sign you out is not registered.")
    claims: dict[str, Any] | None = verified_id_token(hint, client) if hint and client else None
    target = params.get("post_logout_redirect_uri")
    if target and (client is None or target not in client.post_logout_redirect_uri_list):
        return _error(request, "The address to return to after signing out is not registered for this application.")
    user = request.user
    if user.is_authenticated:
        hinted = claims is not None and str(claims.get("sub")) == subject(user)
        if not (hinted or confirmed):
            return render(
                request,
                "identity/oauth2/logout_confirm.html",
                {"client": client, "params": sorted(params.items())},
            )
        logout(request)
    if target:
        state = params.get("state")
        return protocol.redirect(add_params_to_uri(target, [("state", state)]) if state else target)
    return render(request, "identity/sessions/logged_out.html", {"client": client})


def _error(request: HttpRequest, description: str) -> HttpResponse:
    return render(request, "identity/oauth2/error.html", {"description": description}, status=400)
