"""The "Apps signed in with JWTs" section of the Security page: the user's live refresh
families (one per app sign-in), each revocable there."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from identity.conf import identity_settings
from identity.core.pages import identity_page
from identity.jwt.models import FamilyRevokeReason, RefreshFamily
from identity.jwt.refresh import revoke_families


def _live(user: Any) -> Any:
    return RefreshFamily.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())


def jwt_section(request: HttpRequest) -> dict[str, Any] | None:
    if not identity_settings.JWT_ENABLED:
        return None
    return {
        "template": "identity/jwt/security_section.html",
        "families": list(_live(request.user).order_by("-created_at")[:50]),
    }


@identity_page
@require_POST
@login_required
def revoke_family(request: HttpRequest, family_id: str) -> HttpResponseRedirect:
    family = get_object_or_404(_live(request.user), family_id=family_id)
    revoke_families(RefreshFamily.objects.filter(pk=family.pk), FamilyRevokeReason.USER)
    messages.success(request, f"Signed out {family.device}: its tokens no longer work.")
    return redirect(reverse("identity:security"))
