"""``exception_handler`` for DRF: every API error as ``{"error", "error_description"}`` (the
contract's shape, as OAuth endpoints answer), with the challenge of the failing scheme on 401
and ``Retry-After`` on 429.

``REST_FRAMEWORK = {"EXCEPTION_HANDLER": "identity.contrib.rest_framework.views.exception_handler"}``
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from identity.contrib.rest_framework.authentication import IdentityAPIException, IdentityAuthentication
from identity.core.responses import apply_error_headers, error_body, error_response
from identity.exceptions import IdentityError, InvalidRequest

_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "invalid_credentials",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "too_many_requests",
    exceptions.ParseError: "invalid_request",
    exceptions.ValidationError: "invalid_request",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context["request"]
    if isinstance(exc, IdentityAPIException):
        error = exc.identity_error
        response = Response(error_body(error), status=error.status_code)
        apply_error_headers(request._request, error, response)
        return response
    handled = drf_exception_handler(exc, context)
    if handled is None:
        return None
    response = handled
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
    body: dict[str, Any] = {"error": code}
    detail = getattr(exc, "detail", None)
    if isinstance(detail, str):
        body["error_description"] = str(detail)
    elif detail is not None:
        body["error_description"] = "The request is not valid."
        body["fields"] = detail
    response.data = body
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["Cache-Control"] = "no-store"
    return response


class IdentityAPIView(APIView):
    """Base of identity's own API endpoints (``/api/auth/*``): identity's authentication, open
    to anonymous callers, and every error in the contract's JSON shape even when the project
    has not installed :func:`exception_handler`."""

    authentication_classes = [IdentityAuthentication]
    permission_classes = [AllowAny]

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, IdentityAPIException):
            exc = exc.identity_error
        elif isinstance(exc, exceptions.ParseError):
            exc = InvalidRequest("The request body is not valid JSON or form data.")
        if isinstance(exc, IdentityError):
            return error_response(self.request._request, exc)
        return super().handle_exception(exc)
