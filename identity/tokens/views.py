"""``/api/auth/token/`` (create with a password, revoke with the token itself) and the token
actions of the Security page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.request import Request
from rest_framework.response import Response

from identity.conf import identity_settings
from identity.contrib.rest_framework.views import IdentityAPIView
from identity.core.credentials import body, password_sign_in, text_field
from identity.core.pages import identity_page
from identity.exceptions import InvalidRequest, NotAuthenticated
from identity.sessions.services import current_sid
from identity.sessions.views import security
from identity.tokens import services
from identity.tokens.models import APIToken, RevokeReason


class TokenView(IdentityAPIView):
    """``POST {"username", "password"[, "name"]}`` → ``201 {"token", "token_type", "expires_at"}``;
    ``DELETE`` with ``Authorization: Token <t>`` (or ``Bearer``) → ``204``, the token revoked."""

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


@identity_page
@require_POST
@login_required
def create_from_security_page(request: HttpRequest) -> HttpResponse:
    """Create a token from the Security page and show it once, in this response only."""
    name = (request.POST.get("name") or "").strip()[:100] or "Personal token"
    token, row = services.create_token(request.user, name=name, session_sid=current_sid(request) or "")
    request._identity_new_token = {"token": token, "row": row}  # type: ignore[attr-defined]
    return security(request)


@identity_page
@require_POST
@login_required
def revoke_from_security_page(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    row = get_object_or_404(APIToken.objects.live(), pk=pk, user=request.user)
    services.revoke(APIToken.objects.filter(pk=row.pk), RevokeReason.USER)
    messages.success(request, f"Revoked {row.name or 'the token'} ({row.display}).")
    return redirect(reverse("identity:security"))
