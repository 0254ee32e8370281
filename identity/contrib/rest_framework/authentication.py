"""DRF glue: one authentication class running identity's core (the only modules importing DRF
are this package's).

Put ``IdentityAuthentication`` alone in ``DEFAULT_AUTHENTICATION_CLASSES``: it runs every
enabled mechanism, holds the credential to what the view declares (:mod:`identity.core.reach`:
first-party credentials by default, OAuth tokens only with the scopes a
:class:`~identity.contrib.rest_framework.permissions.RequireScopes` permission names), enforces
CSRF where a browser sends the credential by itself (the session, a JWT cookie, Basic from a
browser), and gives DRF one ``WWW-Authenticate`` value holding a challenge per enabled scheme,
so anonymous requests get 401, not 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, CSRFCheck
from rest_framework.request import Request

from identity.core import reach
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


def _never_called(request: HttpRequest) -> HttpResponse:
    """What CSRFCheck wants as ``get_response`` and ``process_view`` as the view: the check only
    reads them (for ``csrf_exempt``), so neither is ever called."""
    return HttpResponse(status=500)


def enforce_csrf(request: HttpRequest) -> None:
    """Django's CSRF check for a request whose credential a browser sends by itself (the
    session cookie, a JWT cookie); raises a 403 ``csrf_failed`` in the API's JSON shape."""

    check = CSRFCheck(_never_called)
    check.process_request(request)
    reason = check.process_view(request, _never_called, (), {})
    if reason:
        # DRF's CSRFCheck returns the reason as a string instead of a response.
        raise IdentityAPIException(CSRFFailed(f"CSRF check failed: {reason}"))


def view_declaration(request: Request) -> reach.Accepts:
    """What the DRF view handling ``request`` accepts: its ``identity_accepts`` attribute, else
    what its permission classes declare (instance attributes, so ``as_view(permission_classes=…)``
    counts)."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    if view is None:
        return reach.DEFAULT
    declared = getattr(view, "identity_accepts", None)
    if isinstance(declared, reach.Accepts):
        return declared
    try:
        key = tuple(getattr(view, "permission_classes", ()))
        return _by_permissions[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable permission object: decided each time
        return reach.from_permissions(getattr(view, "permission_classes", ()))
    found = reach.from_permissions(key)
    # Keyed by the classes themselves, so a view that builds a new list per request still hits;
    # bounded, so one that builds new classes per request cannot grow it.
    if len(_by_permissions) >= 256:
        _by_permissions.clear()
    _by_permissions[key] = found
    return found


_by_permissions: dict[tuple[Any, ...], reach.Accepts] = {}


class IdentityAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        django_request: HttpRequest = request._request
        try:
            result = authenticate(django_request)
        except (IdentityError, Throttled) as exc:
            raise IdentityAPIException(exc) from None
        if result is None:
            return None
        problem = reach.refusal(result.reach, view_declaration(request))
        if problem is not None:
            raise IdentityAPIException(problem)
        if reach.needs_csrf(result.reach, django_request):
            enforce_csrf(django_request)
        return result.user, result.auth

    def authenticate_header(self, request: Request) -> str:
        return challenge_header(request._request)
