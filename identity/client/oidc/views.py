"""The relying party's two endpoints: the redirect URI (the sign-in comes back here) and the
back-channel logout URI (the provider says a session has ended)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from identity.client.oidc import provider, services
from identity.client.oidc.flow import PENDING_KEY, PENDING_TTL, provider_unavailable
from identity.client.views import safe_next
from identity.conf import identity_settings
from identity.core.crypto import keyed_hash
from identity.core.jose.policy import LOGOUT_TOKEN
from identity.core.parsing import guarded

log = logging.getLogger("identity.client.oidc")

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def _failed(request: HttpRequest, problem: str, status: int = 400) -> HttpResponse:
    return render(request, "identity/client/oidc_error.html", {"problem": problem}, status=status)


@never_cache
def callback(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    pending: dict[str, Any] = dict(request.session.get(PENDING_KEY) or {})
    started = pending.pop(state, None) if state else None
    request.session[PENDING_KEY] = pending  # a state is good for one callback only
    if started is None or not isinstance(started, dict):
        return _failed(request, "This sign-in has expired or was already used. Please sign in again.")
    if time.time() - float(started.get("created", 0)) > PENDING_TTL:
        return _failed(request, "This sign-in took too long. Please sign in again.")
    try:
        meta = provider.metadata()
    except provider.ProviderError as exc:
        return provider_unavailable(request, str(exc))
    iss = request.GET.get("iss")
    # RFC 9207 §2.4: the response must come from the provider we sent the user to (mix-up).
    if (iss is not None and iss != meta.issuer) or (iss is None and meta.iss_parameter_supported):
        return _failed(request, "The sign-in response did not come from the expected provider.")
    error = request.GET.get("error")
    if error:
        text = request.GET.get("error_description") or error
        message = "You declined to sign in." if error == "access_denied" else f"The provider refused: {text}"
        return _failed(request, message[:300], status=403 if error == "access_denied" else 400)
    code = request.GET.get("code")
    if not code:
        return _failed(request, "The sign-in response has no code.")
    try:
        user = services.complete_sign_in(request, meta, code, started)
    except provider.ProviderError as exc:
        log.warning("OpenID sign-in failed at the provider: %s", exc)
        return provider_unavailable(request, str(exc))
    except services.SignInRefused as exc:
        log.warning("OpenID sign-in refused: %s", exc)
        return _failed(request, str(exc))
    del user
    return HttpResponseRedirect(safe_next(request, started.get("next")))


def _logout_error(description: str) -> JsonResponse:
    response = JsonResponse({"error": "invalid_request", "error_description": description}, status=400)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@never_cache
@sensitive_post_parameters("logout_token")
@guarded(lambda request, error: _logout_error(error.description))
def backchannel_logout(request: HttpRequest) -> HttpResponse:
    """OIDC Back-Channel Logout §2.5–2.8: verify the logout token, end the sessions it names."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    token = request.POST.get("logout_token", "")
    try:
        _header, claims = provider.verify(
            token,
            audience=identity_settings.OIDC_RP_CLIENT_ID,
            required=["iss", "aud", "iat", "jti"],
            typ=LOGOUT_TOKEN,
        )
    except provider.TokenRejected as exc:
        return _logout_error(str(exc))
    except provider.ProviderError as exc:  # nothing of the provider's was ever obtained: it retries later
        log.warning("Back-channel logout could not reach the provider: %s", exc)
        return HttpResponse(status=503)
    problem = _logout_token_problem(claims)
    if problem:
        return _logout_error(problem)
    if _first_use(claims):
        ended = services.end_remote_sessions(claims["iss"], sid=claims.get("sid"), sub=claims.get("sub"))
        log.info("Back-channel logout ended %d session(s)", ended)
    response = HttpResponse(status=200)
    response["Cache-Control"] = "no-store"
    return response


def _logout_token_problem(claims: dict[str, Any]) -> str | None:
    """§2.6: what makes a verified JWT not a logout token (its ``typ`` was checked with the
    signature, :data:`~identity.core.jose.policy.LOGOUT_TOKEN`)."""
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_EVENT), dict):
        return "The token has no back-channel logout event."
    if "nonce" in claims:
        return "A logout token must not carry a nonce."
    if not isinstance(claims.get("sid"), str) and not isinstance(claims.get("sub"), str):
        return "The token names neither a session (sid) nor a user (sub)."
    if time.time() - float(claims["iat"]) > identity_settings.OIDC_RP_LOGOUT_TOKEN_MAX_AGE:
        return "The logout token is too old."
    return None


def _first_use(claims: dict[str, Any]) -> bool:
    """§2.6 step 9: remember each ``jti`` while the token could be accepted. A repeat (the
    provider retrying a delivery whose answer it missed) changes nothing and is answered 200."""
    seen_key = "identity:oidc:logout-jti:" + keyed_hash(
        "identity.client.oidc.jti", json.dumps([claims["iss"], claims["jti"]])
    )
    ttl = identity_settings.OIDC_RP_LOGOUT_TOKEN_MAX_AGE + identity_settings.OIDC_RP_LEEWAY
    return bool(cache.add(seen_key, 1, ttl))
