"""The token actions of the Security page. The API endpoint ``/api/auth/token/`` is a DRF view:
:class:`identity.contrib.rest_framework.token_views.TokenView`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from identity.core.authenticated import AuthenticatedHttpRequest
from identity.core.pages import identity_page
from identity.sessions.services import current_sid
from identity.sessions.views import security
from identity.tokens import services
from identity.tokens.models import APIToken, RevokeReason
from identity.tokens.security import show_token


@identity_page
@require_POST
@login_required
def create_from_security_page(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Create a token from the Security page and show it once, in this response only."""
    name = (request.POST.get("name") or "").strip()[:100] or "Personal token"
    token, row = services.create_token(request.user, name=name, session_sid=current_sid(request) or "")
    show_token(request, token, row)
    return security(request)


@identity_page
@require_POST
@login_required
def revoke_from_security_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseRedirect:
    row = get_object_or_404(APIToken.objects.live(), pk=pk, user=request.user)
    services.revoke(APIToken.objects.filter(pk=row.pk), RevokeReason.USER)
    messages.success(request, f"Revoked {row.name or 'the token'} ({row.display}).")
    return redirect(reverse("identity:security"))
