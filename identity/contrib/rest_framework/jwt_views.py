"""``/api/auth/jwt/`` (obtain), ``…/refresh/`` and ``…/revoke/``.

DRF views, so they live here with the rest of identity's DRF code; the JWT logic they call is
:mod:`identity.jwt` (the JWK Set, a plain Django view, stays in :mod:`identity.jwt.views`)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.request import Request
from rest_framework.response import Response

from identity.conf import identity_settings
from identity.contrib.rest_framework.authentication import enforce_csrf
from identity.contrib.rest_framework.views import IdentityAPIView
from identity.core.authenticators import get_auth_method
from identity.core.credentials import body, password_sign_in, text_field
from identity.exceptions import InvalidRequest
from identity.jwt import cookies, denylist
from identity.jwt.models import FamilyRevokeReason, RefreshFamily
from identity.jwt.refresh import (
    TokenPair,
    family_of_access_jti,
    family_of_refresh_token,
    issue_pair,
    refresh,
    revoke_families,
)
from identity.sessions.services import current_sid

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 §5.1


class JWTView(IdentityAPIView):
    sensitive_parameters = ("password", "refresh")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if not identity_settings.JWT_ENABLED:
            raise Http404("JWTs are switched off on this site.")
        super().initial(request, *args, **kwargs)

    def pair_response(self, pair: TokenPair, *, cookie: bool) -> Response:
        if not cookie:
            return Response(pair.as_json(), headers=NO_STORE)
        response = Response({"token_type": "Bearer", "expires_in": pair.expires_in}, headers=NO_STORE)
        cookies.set_pair(response, pair)
        return response

    def refresh_token(self, request: Request, data: Any) -> str | None:
        """The refresh token from the body, or in cookie mode from its cookie (CSRF-checked:
        the browser sends the cookie by itself)."""
        token = text_field(data, "refresh", required=False, max_length=200)
        if token:
            return token
        from_cookie = cookies.refresh_token(request._request)
        if from_cookie:
            enforce_csrf(request._request)
        return from_cookie


class ObtainView(JWTView):
    """``POST {"username", "password"}`` → ``{"access", "refresh", "token_type", "expires_in"}``.

    A signed-in browser (session cookie + CSRF token, empty body) gets a pair bound to its
    session: its access tokens carry the session's ``sid`` and die with it. In cookie mode that
    pair (or any pair asked for with ``"cookie": true``) is delivered as HttpOnly cookies.
    """

    def post(self, request: Request) -> Response:
        data = body(request.data)
        cookie = identity_settings.JWT_COOKIE and data.get("cookie") in (True, "true", "1")
        if "username" in data or "password" in data:
            user = password_sign_in(request._request, data)
            return self.pair_response(issue_pair(user, request=request._request), cookie=cookie)
        user = request.user  # runs the core; a session request is CSRF-checked here
        if not user.is_authenticated or get_auth_method(request._request) != "session":
            raise InvalidRequest("Send username and password, or call this from a signed-in browser session.")
        pair = issue_pair(user, request=request._request, sid=current_sid(request._request))
        return self.pair_response(pair, cookie=cookie or identity_settings.JWT_COOKIE)


class RefreshView(JWTView):
    """``POST {"refresh"}`` → the next pair; the token presented is spent."""

    def post(self, request: Request) -> Response:
        data = body(request.data)
        from_body = bool(text_field(data, "refresh", required=False, max_length=200))
        token = self.refresh_token(request, data)
        if not token:
            raise InvalidRequest("The 'refresh' field is required.")
        return self.pair_response(refresh(token, request=request._request), cookie=not from_body)


class RevokeView(JWTView):
    """``POST {"refresh"}``, or a Bearer access token → ``204``: the sign-in (refresh family)
    ends and its live access tokens are denylisted. Also ``204`` for an unknown or already
    revoked refresh token, so the endpoint tells nobody which tokens exist (RFC 7009 §2.2)."""

    def post(self, request: Request) -> Response:
        data = body(request.data)
        token = self.refresh_token(request, data)
        if token:
            family = family_of_refresh_token(token)
        elif get_auth_method(request._request) == "jwt" and isinstance(request.auth, dict):
            claims = request.auth
            denylist.deny_jti(claims["jti"], claims["exp"], reason=FamilyRevokeReason.REVOKED)
            family = family_of_access_jti(claims["jti"])
        else:
            raise InvalidRequest("Send the refresh token, or the access token as Authorization: Bearer.")
        if family is not None:
            revoke_families(RefreshFamily.objects.filter(pk=family.pk), FamilyRevokeReason.REVOKED)
        response = Response(status=204)
        if identity_settings.JWT_COOKIE:
            cookies.clear(response)
        return response
