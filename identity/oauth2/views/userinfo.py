"""The UserInfo endpoint (OIDC Core §5.3): GET or POST with an access token holding ``openid``;
claims by scope. The token comes in the Authorization header or, for POST, the form body
(RFC 6750 §2.1, §2.2), never in the URL (§2.3).

Errors follow RFC 6750 §3.1: a request without authentication, or with another scheme (Basic,
Digest...: "attempted using an unsupported authentication method"), gets 401 and a bare
``Bearer`` challenge with no error code; a malformed request (a token in the URL, two tokens,
a Bearer credential that is not a ``b64token``, §2.1) gets 400 ``invalid_request``."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from identity.core import challenges
from identity.core.middleware import reads_authorization
from identity.core.parsing import guarded
from identity.oauth2 import claims, lookup
from identity.oauth2.views.guards import provider_view

REALM = "userinfo"
#: RFC 6750 §2.1: ``b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="``.
B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*\Z")


def _bearer_error(
    status: int, error: str | None, description: str | None = None, scope: str | None = None
) -> HttpResponse:
    # Without credentials the challenge carries no error (RFC 6750 §3.1); the body still has the
    # API's shape, saying what is missing.
    body = (
        {"error": error, "error_description": description}
        if error
        else {"error": "invalid_request", "error_description": "The request carries no Bearer access token."}
    )
    response = JsonResponse({k: v for k, v in body.items() if v}, status=status)
    response["WWW-Authenticate"] = challenges.bearer(realm=REALM, error=error, description=description, scope=scope)
    response["Cache-Control"] = "no-store"
    return response


def _presented_token(request: HttpRequest) -> tuple[str | None, str | None]:
    """``(token, problem)``: the bearer token, or why the request is malformed. A header of
    another scheme is no token at all (§3.1), unless a token also came in the body."""
    if "access_token" in request.GET:
        return None, "Access tokens are not accepted in the URL."
    header = request.META.get("HTTP_AUTHORIZATION", "")
    posted = request.POST.getlist("access_token") if request.method == "POST" else []
    if len(posted) > 1 or (header and posted):
        return None, "Send the access token once."
    scheme, _, value = header.partition(" ")
    if header and scheme.lower() == "bearer":
        if not B64TOKEN.match(value.strip(" ")):
            return None, "The Bearer credential is malformed."
        return value.strip(" "), None
    return (posted[0] if posted else None), None


@reads_authorization  # an OAuth protected resource that reads its own token (RFC 6750 §2)
@csrf_exempt
@never_cache
@provider_view
@sensitive_post_parameters("access_token")
@guarded(lambda request, error: _bearer_error(400, "invalid_request", error.description))
def userinfo(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    token, problem = _presented_token(request)
    if problem:
        return _bearer_error(400, "invalid_request", problem)
    if not token:
        return _bearer_error(401, None)  # no credentials, or another scheme: a bare challenge (§3.1)
    found = lookup.find_token(token, "access_token")
    if found is None or found.kind != "access_token" or not found.active or found.grant.user is None:
        return _bearer_error(401, "invalid_token", "The access token is not valid.")
    scopes = found.scope.split()
    if "openid" not in scopes:
        return _bearer_error(403, "insufficient_scope", "The token was not issued for OpenID Connect.", "openid")
    response = JsonResponse(claims.userinfo(found.grant.user, scopes))
    response["Cache-Control"] = "no-store"
    return response
