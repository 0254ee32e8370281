"""Between Django and oauthlib: what goes in (only the protocol's own parameters) and how
every OAuth answer comes out (RFC 6749 §5.1, §5.2; RFC 6750 §3). Built here, in one place.

Only the parameters a given endpoint defines are handed to oauthlib: it would otherwise read
any form field named ``user`` or ``client`` as an attribute of its request object. Parameters
sent without a value are dropped, as RFC 6749 §3.1 requires, and duplicates are kept so that
oauthlib can refuse them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749 import errors

from identity.core import challenges
from identity.core.parsing import BadInput

AUTHORIZE_PARAMS = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
        "nonce",
        "prompt",
        "max_age",
        "response_mode",
        "display",
        "ui_locales",
        "id_token_hint",
        "login_hint",
        "acr_values",
        "request",
        "request_uri",
    }
)
CLIENT_AUTH_PARAMS = frozenset({"client_id", "client_secret"})
TOKEN_PARAMS = CLIENT_AUTH_PARAMS | {
    "grant_type",
    "code",
    "redirect_uri",
    "code_verifier",
    "refresh_token",
    "scope",
    "device_code",
}
TOKEN_INFO_PARAMS = CLIENT_AUTH_PARAMS | {"token", "token_type_hint"}
DEVICE_PARAMS = CLIENT_AUTH_PARAMS | {"scope"}

FORM = "application/x-www-form-urlencoded"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def params(data: Any, allowed: frozenset[str]) -> list[tuple[str, str]]:
    """The protocol parameters of a QueryDict, in order, duplicates kept, empty ones dropped."""
    pairs: list[tuple[str, str]] = []
    for key, values in data.lists():
        if key in allowed:
            pairs.extend((key, value) for value in values if value != "")
    return pairs


def oauthlib_headers(request: HttpRequest) -> dict[str, str]:
    headers = {"Content-Type": FORM}
    authorization = request.META.get("HTTP_AUTHORIZATION")
    if authorization:
        headers["Authorization"] = authorization
    return headers


def is_form(request: HttpRequest) -> bool:
    return request.content_type == FORM


def endpoint_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(request.path)


def form_body(pairs: Iterable[tuple[str, str]]) -> str:
    return urlencode(list(pairs))


def error_json(
    error: str, description: str = "", status: int = 400, headers: dict[str, str] | None = None
) -> JsonResponse:
    body = {"error": error}
    if description:
        body["error_description"] = description
    response = JsonResponse(body, status=status)
    for key, value in {**NO_STORE, **(headers or {})}.items():
        response[key] = value
    return response


def bad_input(request: HttpRequest, error: BadInput) -> JsonResponse:
    """A request :mod:`identity.core.parsing` cannot read, as the OAuth endpoints answer a
    malformed one: ``400 invalid_request`` (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1,
    RFC 7662 §2.3), whatever the reason (a body too large included)."""
    return error_json("invalid_request", error.description)


def from_error(exc: errors.OAuth2Error) -> HttpResponse:
    return render(exc.headers, exc.json, exc.status_code)


def render(headers: dict[str, str] | None, body: Any, status: int) -> HttpResponse:
    """An oauthlib ``(headers, body, status)`` triple as a Django response.

    ``invalid_client`` becomes 401 with a ``Basic`` challenge: the scheme clients authenticate
    with (RFC 6749 §5.2); oauthlib would send a ``Bearer`` one. Every answer is ``no-store``.
    """
    headers = dict(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body)
    parsed = _json(body)
    if parsed.get("error") == "invalid_client":
        status = 401
        headers["WWW-Authenticate"] = challenges.basic()
    elif "WWW-Authenticate" in headers:
        del headers["WWW-Authenticate"]
    content_type = headers.pop("Content-Type", "application/json" if body else "text/plain")
    response = HttpResponse(body or "", status=status, content_type=content_type)
    for key, value in {**headers, **NO_STORE}.items():
        response[key] = value
    return response


def _json(body: Any) -> dict[str, Any]:
    if not body or not isinstance(body, str | bytes):
        return {}
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def error_of(response: HttpResponse) -> str | None:
    return _json(response.content).get("error")


def redirect(uri: str) -> HttpResponse:
    """A 302 to a registered redirect URI. Django's redirect classes refuse private-use schemes
    (``com.example.app:/cb``) that native apps register (RFC 8252 §7.1); this URI was matched
    exactly against the client's registration, so it is safe to send."""
    response = HttpResponse(status=302)
    response["Location"] = uri
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def authorization_redirect(redirect_uri: str, pairs: list[tuple[str, str]]) -> HttpResponse:
    """An authorization response: ``pairs`` plus ``iss`` (RFC 9207 §2) in the query."""
    from identity.core.jose.issuer import issuer

    return redirect(add_params_to_uri(redirect_uri, [*pairs, ("iss", issuer())]))


def with_iss(location: str) -> HttpResponse:
    """oauthlib's authorization response (code and state already in ``location``) plus ``iss``."""
    return authorization_redirect(location, [])


def authorization_error(redirect_uri: str, error: str, description: str, state: str | None) -> HttpResponse:
    pairs = [("error", error)]
    if description:
        pairs.append(("error_description", description))
    if state:
        pairs.append(("state", state))
    return authorization_redirect(redirect_uri, pairs)


def protect_page(response: HttpResponse) -> HttpResponse:
    """Pages that grant access are never framed (RFC 9700 §4.16) nor leak their URL to another
    site (§4.2.4). A redirect carrying a code sends no Referer at all; a page keeps
    ``same-origin``, because under ``no-referrer`` browsers send ``Origin: null`` with the page's
    own form posts (consent, device approval), which Django's CSRF check rightly refuses."""
    response["X-Frame-Options"] = "DENY"
    response["Content-Security-Policy"] = "frame-ancestors 'none'"
    response["Referrer-Policy"] = "no-referrer" if 300 <= response.status_code < 400 else "same-origin"
    response["Cache-Control"] = "no-store"
    return response
