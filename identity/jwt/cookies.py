"""Cookie mode for single-page apps (``JWT_COOKIE``): the tokens never reach JavaScript.

The access JWT goes in an HttpOnly cookie sent with every request to the site; the refresh
token in another HttpOnly cookie whose path is the JWT endpoints, so it travels only to
``/api/auth/jwt/…``. Both are ``Secure`` whenever identity makes cookies Secure (DEBUG off by
default) and ``SameSite`` (``Strict`` by default); a request authenticated by the cookie is
CSRF-checked on unsafe methods like a session request.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from identity.conf import identity_settings
from identity.jwt.refresh import TokenPair
from identity.sessions.middleware import secure_cookies


def _refresh_path() -> str:
    return reverse("identity:jwt-obtain")


def set_pair(response: HttpResponseBase, pair: TokenPair) -> None:
    s = identity_settings
    secure, samesite = secure_cookies(), s.JWT_COOKIE_SAMESITE
    response.set_cookie(
        s.JWT_COOKIE_NAME,
        pair.access,
        max_age=pair.expires_in,
        path="/",
        httponly=True,
        secure=secure,
        samesite=samesite,
    )
    response.set_cookie(
        s.JWT_REFRESH_COOKIE_NAME,
        pair.refresh,
        max_age=s.JWT_REFRESH_LIFETIME,
        path=_refresh_path(),
        httponly=True,
        secure=secure,
        samesite=samesite,
    )


def clear(response: HttpResponseBase) -> None:
    s = identity_settings
    response.delete_cookie(s.JWT_COOKIE_NAME, path="/", samesite=s.JWT_COOKIE_SAMESITE)
    response.delete_cookie(s.JWT_REFRESH_COOKIE_NAME, path=_refresh_path(), samesite=s.JWT_COOKIE_SAMESITE)


def refresh_token(request: HttpRequest) -> str | None:
    if not identity_settings.JWT_COOKIE:
        return None
    return request.COOKIES.get(identity_settings.JWT_REFRESH_COOKIE_NAME) or None
