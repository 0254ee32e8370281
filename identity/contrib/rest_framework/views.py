"""``exception_handler`` for DRF: every API error as ``{"error", "error_description"}`` (the
contract's shape, as OAuth endpoints answer), with the challenge of the failing scheme on 401
and ``Retry-After`` on 429.

``REST_FRAMEWORK = {"EXCEPTION_HANDLER": "identity.contrib.rest_framework.views.exception_handler"}``
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.debug import sensitive_post_parameters
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from identity.contrib.rest_framework.authentication import IdentityAPIException, IdentityAuthentication
from identity.contrib.rest_framework.parsers import IdentityJSONParser
from identity.core.parsing import BadInput, as_bad_input, guarded
from identity.core.responses import apply_error_headers, error_body, error_response
from identity.exceptions import IdentityError, InvalidRequest

if TYPE_CHECKING:
    from rest_framework.views import AsView, GenericView

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


def bad_input_json(request: HttpRequest, error: BadInput) -> HttpResponseBase:
    """The API's answer to a request it cannot read: ``{"error": "invalid_request", …}``, 413
    for a body too large, 400 otherwise."""
    return error_response(request, error)


class IdentityAPIView(APIView):
    """Base of identity's own API endpoints (``/api/auth/*``): identity's authentication, open
    to anonymous callers, request bodies read through :mod:`identity.core.parsing`, and every
    error in the contract's JSON shape even when the project has not installed
    :func:`exception_handler`. ``sensitive_parameters`` are the body fields masked in error
    reports (Django's ``sensitive_post_parameters``)."""

    authentication_classes = [IdentityAuthentication]
    permission_classes = [AllowAny]
    parser_classes = [IdentityJSONParser, FormParser, MultiPartParser]
    sensitive_parameters: tuple[str, ...] = ()

    @classmethod
    def as_view(cls, **initkwargs: Any) -> AsView[GenericView]:
        """DRF's view, guarded by the parsing layer (which keeps DRF's attributes on it)."""
        view = guarded(bad_input_json)(super().as_view(**initkwargs))
        if cls.sensitive_parameters:
            view = sensitive_post_parameters(*cls.sensitive_parameters)(view)
        return cast("AsView[GenericView]", view)

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, IdentityAPIException):
            exc = exc.identity_error
        elif isinstance(exc, exceptions.ParseError):
            exc = InvalidRequest("The request body is not valid JSON or form data.")
        else:
            exc = as_bad_input(exc) or exc
        if isinstance(exc, IdentityError):
            return error_response(self.request._request, exc)
        return super().handle_exception(exc)
