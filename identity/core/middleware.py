"""Django middleware for plain views: sets ``request.user`` through the authentication core.

Use it in place of ``django.contrib.auth.middleware.AuthenticationMiddleware`` (it is a
subclass, so the admin's check is satisfied). Without an Authorization header it behaves like
Django's: the session user, resolved lazily. With one it authenticates eagerly, so a bad header
is answered at once with a JSON 400/401 and the right challenge (never a 500).

Every credential then meets the view's declaration (:mod:`identity.core.reach`) before the view
runs: a view that declares nothing takes first-party credentials only, identity's own pages and
the Django admin take only an interactive browser session, and anything else is refused with a
clean 403 (``insufficient_scope`` for bearer tokens, RFC 6750 §3.1). Only an accepted bearer
credential exempts the request from CSRF checks; Basic does when the request is not a browser's.

The admin's own login form is replaced by identity's sign-in (throttled like every password
check): ``/admin/login/`` redirects there.

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
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.functional import SimpleLazyObject

from identity.conf import on_reload
from identity.core import reach
from identity.core.authenticators import authenticate
from identity.core.responses import error_response
from identity.exceptions import IdentityError

#: What a view whose header is its own "accepts" (the middleware does not authenticate it).
_OWN_HEADER = object()


def reads_authorization(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that interprets the Authorization header itself."""
    view.identity_reads_authorization = True  # type: ignore[attr-defined]
    return view


def is_admin(match: ResolverMatch | None) -> bool:
    """A view of a Django ``AdminSite`` (every admin site registers its URLs as app ``admin``)."""
    return match is not None and "admin" in match.app_names


def declared_by_match(match: ResolverMatch | None) -> reach.Accepts:
    """What the resolved view accepts; the admin, whose views we do not decorate, takes only a session."""
    if match is None:
        return reach.SESSION_ONLY  # not resolved yet: only the credential every page accepts
    if is_admin(match):
        return reach.SESSION_ONLY
    return reach.declared_by(match.func)


def _route(request: HttpRequest) -> Any:
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _route_of(str(urlconf), request.path_info)


@lru_cache(maxsize=4096)
def _route_of(urlconf: str, path: str) -> Any:
    """Per (URLconf, path), so a header request pays for URL resolution once, not every time."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return reach.DEFAULT
    if getattr(match.func, "identity_reads_authorization", False):
        return _OWN_HEADER
    return declared_by_match(match)


@on_reload
def _clear() -> None:
    _route_of.cache_clear()
    reach.clear_declarations()


def _lazy_user(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The user of a request without an Authorization header: the session's, or a JWT cookie's
    where the view accepts it (a cookie-borne credential the view does not take is ignored)."""
    from django.contrib.auth.models import AnonymousUser

    try:
        result = authenticate(request)
    except IdentityError:
        result = None
    if result is None:
        return AnonymousUser()
    declared = declared_by_match(getattr(request, "resolver_match", None))
    if reach.refusal(result.reach, declared) is not None:
        request.auth_method = None  # type: ignore[attr-defined]
        return AnonymousUser()
    return result.user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> HttpResponseBase | None:
        request.auth_method = None  # type: ignore[attr-defined]
        if "HTTP_AUTHORIZATION" in request.META:
            declared = _route(request)
            if declared is _OWN_HEADER:
                return super().process_request(request)  # the session user only; the header is the view's
            if declared.session_only and reach._presents_header_credential(request):
                # Refused before any check: a page that takes no header credential is no oracle.
                return error_response(request, reach._header_refusal(request))
            try:
                result = authenticate(request)
            except IdentityError as exc:
                return error_response(request, exc)
            if result is not None:
                problem = reach.refusal(result.reach, declared)
                if problem is not None:
                    return error_response(request, problem)
                request.user = result.user  # type: ignore[assignment]
                if not reach.needs_csrf(result.reach, request):
                    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
                return None
        super().process_request(request)  # sets request.auser as Django does
        request.user = SimpleLazyObject(lambda: _lazy_user(request))  # type: ignore[assignment]
        return None

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        match = getattr(request, "resolver_match", None)
        if is_admin(match) and match is not None and match.url_name == "login":
            # The admin's password form would be a second, unthrottled sign-in: use identity's.
            next_url = request.GET.get("next") or request.path.rsplit("login/", 1)[0]
            return redirect_to_login(next_url, settings.LOGIN_URL)
        return None
