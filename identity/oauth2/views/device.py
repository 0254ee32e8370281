"""The device flow's page on the identity provider (RFC 8628 §3.3): a signed-in user types the code shown by
the device, sees which application asks for what, and approves or denies. The approval binds to
that user and session. Wrong codes are throttled per IP (§5.1)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from identity.conf import identity_settings
from identity.core.authenticated import AuthenticatedHttpRequest
from identity.core.pages import identity_page
from identity.exceptions import Throttled
from identity.oauth2 import protocol, throttles, user_codes
from identity.oauth2.models import DeviceAuthorization, DeviceStatus
from identity.oauth2.views.guards import provider_view
from identity.sessions.models import UserSession
from identity.sessions.services import current_sid

TEMPLATE = "identity/oauth2/device.html"


def _pending(code: str | None) -> DeviceAuthorization | None:
    if code is None:
        return None
    return (
        DeviceAuthorization.objects.select_related("client")
        .filter(user_code=code, status=DeviceStatus.PENDING, expires_at__gt=timezone.now(), client__is_active=True)
        .first()
    )


def _page(request: HttpRequest, status: int = 200, **context: object) -> HttpResponse:
    return protocol.protect_page(render(request, TEMPLATE, context, status=status))


@identity_page
@provider_view
@login_required
def device(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, user_code=request.GET.get("user_code", "")[:20])
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    limit = throttles.user_code_failures(request)
    try:
        limit.check()
    except Throttled as exc:
        response = _page(request, status=429, throttled=True, error=exc.description)
        response["Retry-After"] = str(exc.retry_after)
        return response
    typed = request.POST.get("user_code", "")[:40]
    found = _pending(user_codes.normalize(typed))
    if found is None:
        limit.hit()
        return _page(request, status=400, user_code=typed, error="That code is not valid or has expired.")
    decision = request.POST.get("decision")
    if decision is None:
        descriptions = identity_settings.OAUTH2_SCOPES
        scopes = [{"name": s, "description": descriptions.get(s, s)} for s in found.scope.split()]
        return _page(request, confirm=found, shown_code=user_codes.display(found.user_code), scopes=scopes)
    return _decide(request, found, approve=decision == "approve")


def _decide(request: AuthenticatedHttpRequest, found: DeviceAuthorization, *, approve: bool) -> HttpResponse:
    sid = current_sid(request) or ""
    row = UserSession.objects.live().filter(sid=sid, user=request.user).first()
    fields: dict[str, object] = {"decided_at": timezone.now()}
    if approve:
        fields.update(
            status=DeviceStatus.APPROVED,
            user=request.user,
            session_sid=sid,
            auth_time=(row.auth_time or row.created_at) if row else None,
        )
    else:
        fields.update(status=DeviceStatus.DENIED)
    # Conditional: a code is decided once, even if two tabs submit at the same moment.
    changed = DeviceAuthorization.objects.filter(pk=found.pk, status=DeviceStatus.PENDING).update(**fields)
    if not changed:
        return _page(request, status=400, error="That code has already been used.")
    return _page(request, done=True, approved=approve, client=found.client)
