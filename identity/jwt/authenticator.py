"""JWT access tokens as authenticators of the core: ``Authorization: Bearer <jwt>``, and in
cookie mode the access cookie. No SQL on the hot path: keys are in memory, a repeated token is
served from the verified-token cache, the denylist from the worker's replica, and the user is
built from the claims (``JWT_USER``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from identity.conf import identity_settings, on_reload
from identity.core.authenticators import AuthResult, BearerAuthenticator
from identity.core.reach import CLIENT, COOKIE, HEADER, Reach, from_claims
from identity.core.users import ClientPrincipal
from identity.exceptions import InvalidToken
from identity.jwt import denylist
from identity.jwt.users import user_from_claims
from identity.jwt.verify import ACCESS_TYP, verify


def looks_like_jwt(credentials: str) -> bool:
    """A JWS in compact form has dots between its segments and its header starts ``{"``."""
    return credentials.startswith("eyJ") or credentials.count(".") == 2


def verify_access_token(token: str) -> dict[str, Any]:
    """The claims of a live access token of this site, or :class:`InvalidToken`."""
    denylist.sync_if_due()  # first, so a key retired elsewhere is already gone from this worker
    claims = verify(token, typ=ACCESS_TYP)
    if denylist.is_denied(claims):
        raise InvalidToken("The token has been revoked.", scheme="bearer")
    return claims


#: The reach of each verified token by carrier and token string (its claims never change), so a
#: repeated token pays a dictionary lookup (the string's hash is already computed by then).
#: Bounded like the header cache of :mod:`identity.jwt.verify`: emptied when full.
_reaches: dict[str, dict[str, Reach]] = {HEADER: {}, COOKIE: {}}
_REACHES_KEPT = 4096


@on_reload
def _forget_reaches() -> None:
    for kept in _reaches.values():
        kept.clear()


def result_from_claims(claims: dict[str, Any], carrier: str, token: str) -> AuthResult:
    """Who the token is (a user, or the client a ``client_credentials`` token acts for) and
    what it reaches, from its claims alone: no SQL."""
    kept = _reaches[carrier]
    reach = kept.get(token)
    if reach is None:
        reach = from_claims(claims, "jwt", carrier)
        if len(kept) >= _REACHES_KEPT:
            kept.clear()
        kept[token] = reach
    user = ClientPrincipal(reach.client_id) if reach.acts_for == CLIENT else user_from_claims(claims)
    return AuthResult(user=user, method="jwt", reach=reach, auth=claims)


class JWTAuthenticator(BearerAuthenticator):
    method = "jwt"
    schemes = ("bearer",)

    def enabled(self) -> bool:
        return identity_settings.JWT_ENABLED

    def verify(self, token: str) -> dict[str, Any]:
        return verify_access_token(token)

    def authenticate_header(self, request: HttpRequest, scheme: str, credentials: str) -> AuthResult | None:
        if not looks_like_jwt(credentials):
            return None  # an opaque token: another authenticator's
        return result_from_claims(self.verify(credentials), HEADER, credentials)


class JWTCookieAuthenticator(BearerAuthenticator):
    """Cookie mode (``JWT_COOKIE``): the access JWT in an HttpOnly cookie. The browser sends it
    by itself, so the result is marked ``cookie`` and unsafe methods need the CSRF token."""

    method = "jwt"

    def enabled(self) -> bool:
        return identity_settings.JWT_ENABLED and identity_settings.JWT_COOKIE

    def authenticate(self, request: HttpRequest) -> AuthResult | None:
        token = request.COOKIES.get(identity_settings.JWT_COOKIE_NAME)
        if not token:
            return None
        return result_from_claims(verify_access_token(token), COOKIE, token)

    def challenge(self, request: HttpRequest, error: Any = None) -> str | None:
        return None  # the Bearer challenge is the header authenticator's
