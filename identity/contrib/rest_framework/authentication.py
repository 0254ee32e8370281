"""DRF glue: one authentication class running identity's core (the only module importing DRF,
with the exception handler beside it).

Put ``IdentityAuthentication`` alone in ``DEFAULT_AUTHENTICATION_CLASSES``: it runs every
enabled mechanism, enforces CSRF for session-authenticated requests as DRF's own
``SessionAuthentication`` does, and gives DRF one ``WWW-Authenticate`` value holding a
challenge per enabled scheme, so anonymous requests get 401, not 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, CSRFCheck
from rest_framework.request import Request

from identity.core.authenticators import authenticate, challenge_header
from identity.exceptions import IdentityError, Throttled


class IdentityAPIException(exceptions.APIException):
    """An identity error travelling through DRF; the exception handler renders it."""

    def __init__(self, error: IdentityError) -> None:
        self.identity_error = error
        self.status_code = error.status_code
        super().__init__(detail=error.description or error.error, code=error.error)


class CSRFFailed(IdentityError):
    status_code = 403
    error = "csrf_failed"


def enforce_csrf(request: HttpRequest) -> None:
    """Django's CSRF check for a request whose credential a browser sends by itself (the
    session cookie, a JWT cookie); raises a 403 ``csrf_failed`` in the API's JSON shape."""

    def dummy_get_response(req: HttpRequest) -> None:
        return None

    check = CSRFCheck(dummy_get_response)
    check.process_request(request)
    reason = check.process_view(request, None, (), {})
    if reason:
        # DRF's CSRFCheck returns the reason as a string instead of a response.
        raise IdentityAPIException(CSRFFailed(f"CSRF check failed: {reason}"))


class IdentityAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        django_request: HttpRequest = request._request
        try:
            result = authenticate(django_request)
        except (IdentityError, Throttled) as exc:
            raise IdentityAPIException(exc) from None
        if result is None:
            return None
        if result.method == "session" or result.cookie:
            enforce_csrf(django_request)
        return result.user, result.auth

    def authenticate_header(self, request: Request) -> str:
        return challenge_header(request._request)
