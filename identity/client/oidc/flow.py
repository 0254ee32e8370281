"""Signing in through an OpenID provider with the authorization code flow (OIDC Core §3.1).

``start`` sends the browser to the provider with a fresh ``state`` (CSRF, RFC 6749 §10.12),
``nonce`` (ID token replay, OIDC Core §15.5.2) and PKCE S256 verifier (RFC 7636), all kept in
this site's server-side session; :mod:`identity.client.oidc.views` finishes on the callback.
``end`` sends the browser to the provider's ``end_session_endpoint`` (RP-Initiated Logout §2)
with the ID token as hint, so the provider signs the user out without asking again.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from identity.client.flows import SignInFlow
from identity.client.oidc import provider
from identity.conf import identity_settings

PENDING_KEY = "_identity_oidc_pending"
ID_TOKEN_KEY = "_identity_oidc_id_token"
#: Sign-ins started in other tabs stay valid; older ones are dropped.
MAX_PENDING = 5
PENDING_TTL = 600


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode().rstrip("=")


def redirect_uri(request: HttpRequest) -> str:
    configured = identity_settings.OIDC_RP_REDIRECT_URI
    return str(configured) if configured else request.build_absolute_uri(reverse("identity_client:oidc-callback"))


def provider_unavailable(request: HttpRequest, problem: str) -> HttpResponse:
    return render(request, "identity/client/oidc_error.html", {"problem": problem, "retry": True}, status=503)


class OIDCSignInFlow(SignInFlow):
    name = "oidc"

    def start(self, request: HttpRequest, next_url: str) -> HttpResponse:
        try:
            meta = provider.metadata()
        except provider.ProviderError as exc:
            return provider_unavailable(request, str(exc))
        state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        callback = redirect_uri(request)
        pending: dict[str, Any] = dict(request.session.get(PENDING_KEY) or {})
        now = time.time()
        pending = {k: v for k, v in pending.items() if now - v.get("created", 0) < PENDING_TTL}
        pending[state] = {
            "nonce": nonce,
            "verifier": verifier,
            "next": next_url,
            "created": now,
            "redirect_uri": callback,
        }
        while len(pending) > MAX_PENDING:
            pending.pop(min(pending, key=lambda k: pending[k]["created"]))
        request.session[PENDING_KEY] = pending
        query = urlencode(
            {
                "response_type": "code",
                "client_id": identity_settings.OIDC_RP_CLIENT_ID,
                "redirect_uri": callback,
                "scope": identity_settings.OIDC_RP_SCOPES,
                "state": state,
                "nonce": nonce,
                "code_challenge": s256(verifier),
                "code_challenge_method": "S256",
            }
        )
        separator = "&" if "?" in meta.authorization_endpoint else "?"
        return HttpResponseRedirect(meta.authorization_endpoint + separator + query)

    def end(self, request: HttpRequest, user_was_signed_in: bool) -> HttpResponse:
        home = request.build_absolute_uri("/")
        if not user_was_signed_in:
            return HttpResponseRedirect("/")
        try:
            meta = provider.metadata()
        except provider.ProviderError:
            return HttpResponseRedirect("/")  # signed out here; the provider is out of reach
        if not meta.end_session_endpoint:
            return HttpResponseRedirect("/")
        params = {
            "client_id": identity_settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": identity_settings.OIDC_RP_POST_LOGOUT_REDIRECT_URI or home,
        }
        hint = kept_id_token(request)
        if hint:
            params["id_token_hint"] = hint
        separator = "&" if "?" in meta.end_session_endpoint else "?"
        return HttpResponseRedirect(meta.end_session_endpoint + separator + urlencode(params))


def keep_id_token(request: HttpRequest, id_token: str | None) -> None:
    """Keep the ID token of a session that is being flushed, for :meth:`OIDCSignInFlow.end`."""
    request._identity_oidc_id_token = id_token  # type: ignore[attr-defined]


def kept_id_token(request: HttpRequest) -> str | None:
    found: str | None = getattr(request, "_identity_oidc_id_token", None)
    return found
