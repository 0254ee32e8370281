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

A request with a body for one of identity's views is checked by the request-parsing layer
(:mod:`identity.core.parsing`) here, before any view or Django's CSRF check reads the body: a
body too large or unreadable is answered in the view's family's own error shape.

The admin's own login form is replaced by identity's sign-in (throttled like every password
check): ``/admin/login/`` redirects there.

Views that read the Authorization header themselves (an OAuth token endpoint, where
``Authorization: Basic`` carries a *client's* credentials, RFC 6749 §2.3.1) are marked with
:func:`reads_authorization`; the middleware leaves their header alone and gives them only the
session user.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import lru_cache, partial
from typing import Any, Final, Literal

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.functional import SimpleLazyObject

from identity.conf import on_reload
from identity.core import parsing, reach
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
    return _route_of(urlconf, request.path_info)  # a dotted path or a module object: both hashable


@lru_cache(maxsize=4096)
def _route_of(urlconf: Any, path: str) -> Any:
    """Per (URLconf, path), so a header request pays for URL resolution once, not every time.
    Only a guess, made before Django resolves the URL (a later middleware may switch the URLconf,
    a translated route may resolve otherwise): :meth:`AuthenticationMiddleware.process_view`
    checks the credential again against the view Django actually resolved."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        if not settings.APPEND_SLASH or path.endswith("/"):
            return reach.DEFAULT
        # CommonMiddleware will redirect to the path with a slash: treat the header as that view
        # would, so ``/oauth/userinfo`` never answers a Basic challenge in /oauth/userinfo/'s stead.
        try:
            match = resolve(path + "/", urlconf)
        except Resolver404:
            return reach.DEFAULT
    return _declared_or_own_header(match)


def _bad_input_answer(request: HttpRequest) -> parsing.Answer | None:
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _bad_input_answer_of(urlconf, request.path_info)


@lru_cache(maxsize=4096)
def _bad_input_answer_of(urlconf: Any, path: str) -> parsing.Answer | None:
    """How the view at ``path`` answers a request it cannot read (its family's error builder,
    set by :func:`identity.core.parsing.guarded`), or None for a view not of identity's."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    answer: parsing.Answer | None = getattr(match.func, "identity_bad_input", None)
    return answer


def _unreadable(request: HttpRequest) -> HttpResponseBase | None:
    """The family's refusal of a request with a body identity's view cannot read, or None."""
    answer = _bad_input_answer(request)
    if answer is None:
        return None
    try:
        parsing.check(request)
    except Exception as exc:
        refusal = parsing.as_bad_input(exc)
        if refusal is None:
            raise
        return answer(request, refusal)
    return None


def _declared_or_own_header(match: ResolverMatch) -> Any:
    if getattr(match.func, "identity_reads_authorization", False):
        return _OWN_HEADER
    return declared_by_match(match)


@on_reload
def _clear() -> None:
    _route_of.cache_clear()
    _bad_input_answer_of.cache_clear()
    reach.clear_declarations()


def _lazy_user(request: HttpRequest) -> Any:
    """The user of a request without a header credential of ours: the session's, or a JWT
    cookie's where the view accepts it (a cookie-borne credential the view does not take, or a
    bad one, is ignored). Before URL resolution only the session counts; the middleware's
    ``process_view`` starts again if the user was asked for that early."""
    from django.contrib.auth.models import AnonymousUser

    match = getattr(request, "resolver_match", None)
    request._identity_lazy_match = match  # type: ignore[attr-defined]
    try:
        result = authenticate(request)
    except IdentityError:
        result = None
    if result is None:
        return AnonymousUser()
    if reach.refusal(result.reach, declared_by_match(match)) is not None:
        request.auth_method = None  # type: ignore[attr-defined]
        return AnonymousUser()
    return result.user


async def _lazy_auser(request: HttpRequest) -> Any:
    """``request.auser()`` for async views: the same user, by the same rules, as ``request.user``."""
    return await sync_to_async(_lazy_user)(request)


def _fixed_auser(user: Any) -> Callable[[], Any]:
    async def auser() -> Any:
        return user

    return auser


class _Unset(Enum):
    """The answer of :meth:`AuthenticationMiddleware._header` when the header is not one of ours."""

    UNSET = "unset"


_UNSET: Final = _Unset.UNSET
_FROM_HEADER = (reach.HEADER, reach.BASIC)


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    # Django's own returns None only; MiddlewareMixin answers with whatever process_request returns.
    def process_request(self, request: HttpRequest) -> HttpResponseBase | None:  # type: ignore[override]
        request.auth_method = None  # type: ignore[attr-defined]
        if request.method in parsing.BODY_METHODS:
            refused = _unreadable(request)
            if refused is not None:
                return refused
        if "HTTP_AUTHORIZATION" in request.META:
            declared = _route(request)
            if declared is _OWN_HEADER:
                return super().process_request(request)  # the session user only; the header is the view's
            answered = self._header(request, declared)
            if answered is not _UNSET:
                return answered
        super().process_request(request)
        # A lazy proxy for the user, as Django's own middleware sets; the stubs type the real object.
        request.user = SimpleLazyObject(lambda: _lazy_user(request))  # type: ignore[assignment]
        request.auser = partial(_lazy_auser, request)
        return None

    def _header(self, request: HttpRequest, declared: reach.Accepts) -> HttpResponseBase | None | Literal[_Unset.UNSET]:
        """A request with an Authorization header: answered (a response, or None once
        ``request.user`` is set from it), or ``_UNSET`` when the header is not one of ours and
        the request goes the cookie way."""
        if declared.session_only and reach.presents_header_credential(request):
            # Refused before any check: a page that takes no header credential is no oracle.
            return error_response(request, reach.header_refusal(request))
        try:
            result = authenticate(request)
        except IdentityError as exc:
            if not reach.presents_header_credential(request):
                return _UNSET  # a bad cookie behind a header of another scheme: the cookie way decides
            return error_response(request, exc)
        if result is None or result.reach.carrier not in _FROM_HEADER:
            return _UNSET  # an unknown scheme (Negotiate, ...): the session or a cookie decides
        problem = reach.refusal(result.reach, declared)
        if problem is not None:
            return error_response(request, problem)
        request.user = result.user
        request.auser = _fixed_auser(result.user)
        request._identity_declared = declared  # type: ignore[attr-defined]
        if not reach.needs_csrf(result.reach, request):
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        return None

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        match = getattr(request, "resolver_match", None)
        if match is None:
            return None
        if is_admin(match) and match.url_name == "login":
            return self._to_sign_in(request)
        guessed = getattr(request, "_identity_declared", None)
        if guessed is not None:  # a header credential, accepted for the route guessed before resolution
            actual = _declared_or_own_header(match)
            if actual is _OWN_HEADER:
                request.user = SimpleLazyObject(lambda: _session_only_user(request))  # type: ignore[assignment]
            elif actual is not guessed and actual != guessed:  # usually the very same object
                problem = (
                    reach.header_refusal(request)
                    if actual.session_only
                    else reach.refusal(request._identity_outcome.reach, actual)  # type: ignore[attr-defined]
                )
                if problem is not None:
                    return error_response(request, problem)
        elif getattr(request, "_identity_lazy_match", _UNSET) is None:
            # The user was asked for before the URL was resolved: decide again for this view.
            request.user = SimpleLazyObject(lambda: _lazy_user(request))  # type: ignore[assignment]
        return None

    @staticmethod
    def _to_sign_in(request: HttpRequest) -> HttpResponseBase | None:
        """The admin's password form would be a second, unthrottled sign-in: use identity's."""
        login_url = resolve_url(settings.LOGIN_URL)
        if login_url == request.path:
            return None  # LOGIN_URL is the admin's own login: nothing to send it to
        next_url = request.GET.get("next") or ""
        admin_root = request.path.rsplit("login/", 1)[0]
        if not next_url or next_url.split("?", 1)[0] == request.path:
            next_url = admin_root  # never back to this page: that would only come here again
        return redirect_to_login(next_url, login_url)


def _session_only_user(request: HttpRequest) -> Any:
    from django.contrib.auth import get_user

    return get_user(request)
