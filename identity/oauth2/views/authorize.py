"""The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2) and its consent page.

Order matters for safety: oauthlib first validates the client and the redirect URI; until both
are known good, every error is shown on our own page and never redirected (RFC 6749 §4.1.2.1).
Only then are ``prompt``, ``max_age`` and consent decided, and errors sent back to the client
with ``state`` and ``iss`` (RFC 9207).

GET and POST both carry an authorization request (OIDC Core §3.1.2.1); a POST from the consent
form additionally carries the user's decision and is CSRF-checked, while a cross-site POSTed
request (which cannot carry our CSRF token) is handled like a GET.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from oauthlib.oauth2.rfc6749 import errors

from identity.conf import identity_settings
from identity.core.pages import identity_page
from identity.oauth2 import protocol
from identity.oauth2.consent import needs_consent, remember_consent
from identity.oauth2.context import ATTRIBUTE, IssueContext
from identity.oauth2.hints import id_token_hint_subject
from identity.oauth2.models import Client
from identity.oauth2.server import get_server
from identity.oauth2.views.guards import provider_view
from identity.sessions.models import UserSession
from identity.sessions.services import current_sid

#: Session key: when a fresh sign-in was asked for (prompt=login, max_age); a sign-in after
#: that moment satisfies it.
LOGIN_ASKED_AT = "_identity_oauth_login_asked_at"
LOGIN_ASK_TTL = 600
MAX_NONCE = 255
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}\Z")


@dataclass
class Validated:
    client: Client
    redirect_uri: str
    state: str | None
    scopes: list[str]
    prompt: set[str]
    max_age: int | None
    canonical_uri: str


class Refused(Exception):
    """An authorization error to send back to the client's redirect URI."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(description or error)
        self.error = error
        self.description = description


@identity_page
@csrf_exempt
@provider_view
def authorize(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "POST"}:
        return protocol.protect_page(HttpResponse(status=405, headers={"Allow": "GET, POST"}))
    data = request.POST if request.method == "POST" else request.GET
    pairs = protocol.params(data, protocol.AUTHORIZE_PARAMS)
    if request.method == "POST" and "consent_decision" in request.POST:
        return csrf_protect(_decided)(request, pairs)
    return protocol.protect_page(_authorize(request, pairs, decision=None))


def _decided(request: HttpRequest, pairs: list[tuple[str, str]]) -> HttpResponse:
    decision = request.POST.get("consent_decision")
    return protocol.protect_page(_authorize(request, pairs, decision=decision))


def _authorize(request: HttpRequest, pairs: list[tuple[str, str]], decision: str | None) -> HttpResponse:
    canonical = protocol.endpoint_uri(request) + ("?" + urlencode(pairs) if pairs else "")
    try:
        validated = _validate(canonical)
    except errors.FatalClientError as exc:
        return _error_page(request, exc.description or "The request is not valid.")
    except errors.OAuth2Error as exc:
        error = exc.error or "invalid_request"  # only oauthlib's base class has no code; it is never raised
        if not exc.redirect_uri:
            return _error_page(request, exc.description or error)
        return protocol.authorization_error(exc.redirect_uri, error, exc.description, exc.state)
    except ValueError:
        return _error_page(request, "The authorization request could not be parsed.")
    try:
        return _decide(request, validated, dict(pairs), decision)
    except Refused as exc:
        return protocol.authorization_error(validated.redirect_uri, exc.error, exc.description, validated.state)


def _validate(uri: str) -> Validated:
    scopes, info = get_server().validate_authorization_request(uri, "GET", None, {})
    oauth_request = info["request"]
    params = dict(oauth_request._params)
    if params.get("request"):
        raise errors.CustomOAuth2Error(
            "request_not_supported", "Request objects are not supported.", request=oauth_request
        )
    if params.get("request_uri"):
        raise errors.CustomOAuth2Error(
            "request_uri_not_supported", "request_uri is not supported.", request=oauth_request
        )
    if params.get("response_mode") not in (None, "query"):
        raise errors.InvalidRequestError("Only response_mode=query is supported.", request=oauth_request)
    prompt = set((params.get("prompt") or "").split())
    if "none" in prompt and len(prompt) > 1:
        raise errors.InvalidRequestError("prompt=none cannot be combined with other values.", request=oauth_request)
    if prompt - {"none", "login", "consent", "select_account"}:
        raise errors.InvalidRequestError("Unknown prompt value.", request=oauth_request)
    if len(params.get("nonce") or "") > MAX_NONCE:
        raise errors.InvalidRequestError(f"nonce is longer than {MAX_NONCE} characters.", request=oauth_request)
    challenge = params.get("code_challenge")
    if challenge is not None and not S256_CHALLENGE.match(challenge):
        # RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is exactly 43 characters.
        raise errors.InvalidRequestError("code_challenge is not an S256 challenge.", request=oauth_request)
    max_age = params.get("max_age")
    if max_age is not None:
        # OIDC Core §3.1.2.1: a number of seconds. ASCII digits only: str.isdigit() also takes
        # "²" (int() refuses it) and "١٢" (int() reads it).
        if not (str(max_age).isascii() and str(max_age).isdigit()) or len(str(max_age)) > 9:
            raise errors.InvalidRequestError("max_age must be a number of seconds.", request=oauth_request)
        max_age = int(max_age)
    return Validated(
        client=oauth_request.client,
        redirect_uri=info["redirect_uri"],
        state=info.get("state"),
        scopes=list(scopes),
        prompt=prompt,
        max_age=max_age,
        canonical_uri=uri,
    )


def _session_row(request: HttpRequest) -> UserSession | None:
    sid = current_sid(request)
    if not sid or not request.user.is_authenticated:
        return None
    return UserSession.objects.live().filter(sid=sid, user=request.user).first()


def _decide(request: HttpRequest, v: Validated, params: dict[str, str], decision: str | None) -> HttpResponse:
    silent = "none" in v.prompt
    row = _session_row(request)
    if row is None:
        if silent:
            raise Refused("login_required", "The user is not signed in.")
        return _to_login(request, v)  # this sign-in satisfies prompt=login and max_age too
    auth_time = row.auth_time or row.created_at
    hint = params.get("id_token_hint")
    if hint is not None:
        from identity.oauth2.claims import subject

        named = id_token_hint_subject(hint, v.client)  # an unverifiable hint is ignored
        if named is not None and named != subject(request.user):
            if silent:
                raise Refused("login_required", "The signed-in user is not the one the id_token_hint names.")
            return _to_login(request, v)
    if _needs_fresh_login(request, auth_time, v):
        if silent:
            raise Refused("login_required", "A fresh sign-in is required.")
        return _to_login(request, v)
    if decision is not None and decision != "allow":
        # The user answered our consent page with anything but "allow": a refusal (RFC 6749
        # §4.1.2.1 access_denied), whatever consent exists already or whether the client is
        # trusted; prompt=consent asked precisely so that the user may say no this time.
        raise Refused("access_denied", "The user declined.")
    if needs_consent(request.user, v.client, v.scopes, force="consent" in v.prompt and decision is None):
        if silent:
            raise Refused("consent_required", "The user has not consented to this client.")
        if decision is None:
            return _consent_page(request, v, params)
        remember_consent(request.user, v.client, v.scopes)
    return _issue_code(request, v, row.sid, auth_time)


def _needs_fresh_login(request: HttpRequest, auth_time: datetime, v: Validated) -> bool:
    asked = request.session.get(LOGIN_ASKED_AT)
    if asked is not None and time.time() - float(asked) < LOGIN_ASK_TTL and auth_time.timestamp() >= float(asked):
        request.session.pop(LOGIN_ASKED_AT, None)
        return False  # signed in after we asked: fresh, whatever max_age says
    if "login" in v.prompt:
        return True
    return v.max_age is not None and (timezone.now() - auth_time).total_seconds() > v.max_age


def _to_login(request: HttpRequest, v: Validated) -> HttpResponse:
    request.session[LOGIN_ASKED_AT] = time.time()  # kept through the sign-in (cycle_key keeps data)
    path = reverse("identity:oauth2-authorize")
    query = v.canonical_uri.split("?", 1)[1] if "?" in v.canonical_uri else ""
    return redirect_to_login(f"{path}?{query}" if query else path, settings.LOGIN_URL)


def _consent_page(request: HttpRequest, v: Validated, params: dict[str, str]) -> HttpResponse:
    descriptions = identity_settings.OAUTH2_SCOPES
    scopes = [{"name": s, "description": descriptions.get(s, s)} for s in v.scopes]
    return render(
        request,
        "identity/oauth2/consent.html",
        {
            "client": v.client,
            "scopes": scopes,
            "params": sorted(params.items()),
            "redirect_host": v.redirect_uri.split("/")[2] if "://" in v.redirect_uri else v.redirect_uri,
        },
    )


def _issue_code(request: HttpRequest, v: Validated, sid: str, auth_time: datetime) -> HttpResponse:
    # oauthlib sets each credential on its request: the context is how the session reaches the code.
    credentials: dict[str, Any] = {"user": request.user, ATTRIBUTE: IssueContext(sid=sid, auth_time=auth_time)}
    headers, _body, _status = get_server().create_authorization_response(
        v.canonical_uri, "GET", None, {}, scopes=v.scopes, credentials=credentials
    )
    return protocol.with_iss(headers["Location"])


def _error_page(request: HttpRequest, description: str) -> HttpResponse:
    return render(request, "identity/oauth2/error.html", {"description": description}, status=400)
