"""Django middleware for plain views: sets ``request.user`` through the authentication core.

Use it in place of ``django.contrib.auth.middleware.AuthenticationMiddleware`` (it is a
subclass, so the admin's check is satisfied). Without an Authorization header it behaves like
Django's: the session user, resolved lazily. With one it authenticates eagerly, so a bad header
is answered at once with a JSON 400/401 and the right challenge (never a 500), and a valid
bearer credential exempts the request from CSRF checks (browsers never send it by themselves).

Views that read the Authorization header themselves (an OAuth token endpoint, where
``Authorization: Basic`` carries a *client's* credentials, RFC 6749 §2.3.1) are marked with
:func:`reads_authorization`; the middleware leaves their header alone and gives them only the
session user.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject

from identity.conf import on_reload
from identity.core.authenticators import authenticate
from identity.core.responses import error_response
from identity.exceptions import IdentityError


def reads_authorization(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that interprets the Authorization header itself."""
    view.identity_reads_authorization = True  # type: ignore[attr-defined]
    return view


def _view_reads_authorization(request: HttpRequest) -> bool:
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _reads_authorization(str(urlconf), request.path_info)


@lru_cache(maxsize=4096)
def _reads_authorization(urlconf: str, path: str) -> bool:
    """Per (URLconf, path), so a bearer request pays for URL resolution once, not every time."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    return bool(getattr(match.func, "identity_reads_authorization", False))


@on_reload
def _clear() -> None:
    _reads_authorization.cache_clear()


def _lazy_user(request: HttpRequest):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    try:
        result = authenticate(request)
    except IdentityError:
        result = None
    return result.user if result is not None else AnonymousUser()


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> HttpResponseBase | None:
        request.auth_method = None  # type: ignore[attr-defined]
        if "HTTP_AUTHORIZATION" in request.META and _view_reads_authorization(request):
            return super().process_request(request)  # the session user only; the header is the view's
        if "HTTP_AUTHORIZATION" in request.META:
            try:
                result = authenticate(request)
            except IdentityError as exc:
                return error_response(request, exc)
            if result is not None:
                request.user = result.user  # type: ignore[assignment]
                if result.csrf_exempt:
                    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
                return None
        super().process_request(request)  # sets request.auser as Django does
        request.user = SimpleLazyObject(lambda: _lazy_user(request))  # type: ignore[assignment]
        return None
