"""JSON error responses for APIs, built in one place: ``{"error", "error_description"}`` with
the status of the error, a ``WWW-Authenticate`` challenge on every 401 (RFC 7235 §3.1) and on a
403 ``insufficient_scope`` (RFC 6750 §3.1, with the ``scope`` needed), and ``Retry-After`` on
every 429 (RFC 6585 §4)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase

from identity.core import challenges
from identity.exceptions import IdentityError, InsufficientScope, Throttled


def error_body(error: IdentityError) -> dict[str, str]:
    body = {"error": error.error}
    if error.description:
        body["error_description"] = error.description
    return body


def error_response(request: HttpRequest, error: IdentityError) -> JsonResponse:
    response = JsonResponse(error_body(error), status=error.status_code)
    apply_error_headers(request, error, response)
    return response


def apply_error_headers(request: HttpRequest, error: IdentityError, response: HttpResponseBase) -> None:
    from identity.core.authenticators import challenge_header

    if error.status_code == 401:
        response["WWW-Authenticate"] = challenge_header(request, error)
    elif isinstance(error, InsufficientScope):
        response["WWW-Authenticate"] = challenges.bearer(
            error=error.error, description=error.description, scope=error.scope
        )
    if isinstance(error, Throttled):
        response["Retry-After"] = str(error.retry_after)
    response["Cache-Control"] = "no-store"
