""" "Connected apps" on the Security page: the clients a user has authorized, and a button that
withdraws consent and revokes every token the client holds for the user."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from identity.conf import identity_settings
from identity.core.pages import identity_page
from identity.oauth2 import consent
from identity.oauth2.models import Client, Consent, Grant


def connected_apps(user: Any) -> list[dict[str, Any]]:
    """One entry per client holding a consent or a live grant of ``user``."""
    apps: dict[int, dict[str, Any]] = {}
    for row in Consent.objects.filter(user=user).select_related("client"):
        apps[row.client_id] = {"client": row.client, "scopes": row.scope.split(), "since": row.created_at}
    live = Grant.objects.filter(user=user, revoked_at__isnull=True).select_related("client").order_by("created_at")
    for grant in live:
        if not grant.is_live:
            continue
        entry = apps.setdefault(grant.client_id, {"client": grant.client, "scopes": [], "since": grant.created_at})
        entry["scopes"] = sorted(set(entry["scopes"]) | set(grant.scope.split()))
        entry["last_used"] = max(entry.get("last_used") or grant.created_at, grant.created_at)
    return sorted(apps.values(), key=lambda a: a["client"].name.lower())


def security_section(request: HttpRequest) -> dict[str, Any] | None:
    if not identity_settings.OAUTH2_PROVIDER:
        return None
    return {"template": "identity/oauth2/connected_apps.html", "apps": connected_apps(request.user)}


@identity_page
@require_POST
@login_required
def disconnect(request: HttpRequest, client_id: str) -> HttpResponseRedirect:
    if "\x00" in client_id:  # %00 in the path: no client has it, and PostgreSQL refuses it in a query
        raise Http404("No such application.")
    client = get_object_or_404(Client, client_id=client_id)
    consent.withdraw(request.user, client)
    messages.success(request, f"{client.name} can no longer access your account.")
    return redirect(reverse("identity:security"))
