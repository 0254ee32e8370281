"""``/api/auth/token/``: create an opaque token with a password, revoke it with the token itself.

A DRF view, so it lives here with the rest of identity's DRF code; the token logic it calls is
:mod:`identity.tokens.services`."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.request import Request
from rest_framework.response import Response

from identity.conf import identity_settings
from identity.contrib.rest_framework.views import IdentityAPIView
from identity.core.credentials import body, password_sign_in, text_field
from identity.exceptions import InvalidRequest, NotAuthenticated
from identity.tokens import services
from identity.tokens.models import APIToken, RevokeReason


class TokenView(IdentityAPIView):
    """``POST {"username", "password"[, "name"]}`` → ``201 {"token", "token_type", "expires_at"}``;
    ``DELETE`` with ``Authorization: Token <t>`` (or ``Bearer``) → ``204``, the token revoked."""

    sensitive_parameters = ("password",)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if not identity_settings.TOKENS_ENABLED:
            raise Http404("Opaque tokens are switched off on this site.")
        super().initial(request, *args, **kwargs)

    def post(self, request: Request) -> Response:
        data = body(request.data)
        name = text_field(data, "name", required=False, max_length=100)
        user = password_sign_in(request._request, data)
        token, row = services.create_token(user, name=name or "API token")
        return Response(
            {"token": token, "token_type": "Token", "expires_at": services.expires_at_iso(row.expires_at)},
            status=201,
            headers={"Cache-Control": "no-store"},
        )

    def delete(self, request: Request) -> Response:
        resolved = request.auth
        if not isinstance(resolved, services.ResolvedToken):
            if request.user.is_authenticated:
                raise InvalidRequest("Send the token to revoke as Authorization: Token <token>.")
            raise NotAuthenticated()
        services.revoke(APIToken.objects.filter(pk=resolved.id), RevokeReason.API)
        return Response(status=204)
