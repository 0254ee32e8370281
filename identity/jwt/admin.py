from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from identity.core.admin import RecordAdminMixin, model_permission
from identity.core.generics import ModelAdmin
from identity.jwt import keys
from identity.jwt.models import DeniedToken, FamilyRevokeReason, RefreshFamily, SigningKey
from identity.jwt.refresh import revoke_families

_STATE_COLOURS = {"active": "#137333", "next": "#3056d3", "retiring": "#b06000", "retired": "#777"}


def _badge(state: str) -> str:
    return format_html('<span style="color:{};font-weight:600">{}</span>', _STATE_COLOURS.get(state, "#777"), state)


@admin.register(SigningKey)
class SigningKeyAdmin(RecordAdminMixin, ModelAdmin[SigningKey]):
    """Keys are created by rotation (the action here, or ``manage.py identity_rotate_keys``),
    never typed in; the private half is never shown."""

    list_display = ["kid", "alg", "state", "created_at", "signs_from", "signs_until", "last_expiry", "retired_at"]
    list_filter = ["alg", ("retired_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["kid"]
    actions = ["rotate_now", "retire_selected"]
    fields = ["kid", "alg", "public_jwk", "created_at", "signs_from", "signs_until", "last_expiry", "retired_at"]
    has_rotate_permission = model_permission("change")
    has_retire_permission = model_permission("change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retiring (which destroys the private half) is the way

    @admin.display(description="state")
    def state(self, obj: SigningKey) -> str:
        return _badge(obj.state())

    @admin.action(
        description="Rotate: publish a new key of these algorithms (signs after the JWK Set cache lifetime)",
        permissions=["rotate"],
    )
    def rotate_now(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> None:
        """Needs ``change_signingkey``: rotation changes which key signs and when the current
        one stops, even though the new row is added rather than typed in."""
        published = []
        for alg in sorted(set(queryset.values_list("alg", flat=True))):
            published += keys.rotate(alg)
        listed = ", ".join(f"{row.kid} ({row.alg}, signs from {row.signs_from:%H:%M:%S} UTC)" for row in published)
        self.message_user(request, f"Published {listed}.", messages.SUCCESS)

    @admin.action(description="Retire selected keys now (their tokens stop working at once)", permissions=["retire"])
    def retire_selected(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> None:
        """Needs ``change_signingkey``: the key row stays (its public half is history) but it
        changes state and loses its private half; deleting keys is not offered at all."""
        rows = list(queryset.filter(retired_at__isnull=True))
        for row in rows:
            keys.retire(row)
        self.message_user(request, f"Retired {len(rows)} key(s).", messages.WARNING)


@admin.register(RefreshFamily)
class RefreshFamilyAdmin(RecordAdminMixin, ModelAdmin[RefreshFamily]):
    list_display = ["user", "client_id", "device", "ip", "created_at", "last_refreshed_at", "state", "revoke_reason"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "revoke_reason", "client_id", "created_at"]
    search_fields = ["user__username", "user__email", "family_id", "sid", "ip"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["revoke_selected"]
    has_revoke_permission = model_permission("delete")
    fields = [
        "user",
        "family_id",
        "client_id",
        "audience",
        "scope",
        "sid",
        "user_agent",
        "ip",
        "created_at",
        "last_refreshed_at",
        "expires_at",
        "revoked_at",
        "revoke_reason",
    ]

    @admin.display(description="state", ordering="revoked_at")
    def state(self, obj: RefreshFamily) -> str:
        if obj.revoked_at:
            return _badge("revoked")
        return _badge("active" if obj.expires_at > timezone.now() else "expired")

    @admin.action(description="Revoke selected sign-ins (their access tokens are denylisted)", permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[RefreshFamily]) -> None:
        """Needs ``delete_refreshfamily``: deleting a family here revokes it first, so revoking is
        what that permission already allows, without losing the row."""
        count = revoke_families(queryset, FamilyRevokeReason.ADMIN)
        self.message_user(request, f"Revoked {count} sign-in(s).", messages.SUCCESS)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RefreshFamily]) -> None:
        revoke_families(queryset, FamilyRevokeReason.ADMIN)  # denylist live access tokens first
        super().delete_queryset(request, queryset)

    def delete_model(self, request: HttpRequest, obj: RefreshFamily) -> None:
        revoke_families(RefreshFamily.objects.filter(pk=obj.pk), FamilyRevokeReason.ADMIN)
        super().delete_model(request, obj)


@admin.register(DeniedToken)
class DeniedTokenAdmin(RecordAdminMixin, ModelAdmin[DeniedToken]):
    list_display = ["kind", "value", "reason", "created_at", "expires_at"]
    list_filter = ["kind", "reason"]
    search_fields = ["value"]
    date_hierarchy = "created_at"
    fields = ["kind", "value", "reason", "created_at", "expires_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an entry lifts itself when the tokens it denies have expired
