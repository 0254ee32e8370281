from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from identity.core.admin import RecordAdminMixin, model_permission
from identity.core.generics import ModelAdmin
from identity.tokens import services
from identity.tokens.models import APIToken, RevokeReason


class TokenStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("live", "Live"), ("revoked", "Revoked"), ("expired", "Expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[APIToken]) -> QuerySet[APIToken]:
        now = timezone.now()
        if self.value() == "live":
            return queryset.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.register(APIToken)
class APITokenAdmin(RecordAdminMixin, ModelAdmin[APIToken]):
    """Tokens are listed and revoked here; the token itself is never shown (only its digest is
    stored), so they are created by their owners through the API or the Security page."""

    list_display = ["display", "name", "user", "created_at", "last_used_at", "expires_at", "state"]
    list_filter = [TokenStateFilter, "revoke_reason", "created_at"]
    search_fields = ["name", "prefix", "user__username", "user__email", "session_sid"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["revoke_selected"]
    fields = [
        "user",
        "name",
        "display",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_ip",
        "session_sid",
        "revoked_at",
        "revoke_reason",
    ]

    @admin.display(description="token", ordering="prefix")
    def display(self, obj: APIToken) -> str:
        return obj.display

    @admin.display(description="state", ordering="revoked_at")
    def state(self, obj: APIToken) -> str:
        if obj.is_live:
            return format_html('<span style="color:#137333;font-weight:600">{}</span>', "live")
        return format_html('<span style="color:#777">{}</span>', "revoked" if obj.revoked_at else "expired")

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[APIToken]) -> None:
        """Needs ``delete_apitoken``: revoking is the safe form of deleting a token (deleting
        one here revokes it first)."""
        count = services.revoke(queryset, RevokeReason.ADMIN)
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)

    has_revoke_permission = model_permission("delete")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[APIToken]) -> None:
        services.revoke(queryset, RevokeReason.ADMIN)  # drop cached copies before the rows go
        super().delete_queryset(request, queryset)

    def delete_model(self, request: HttpRequest, obj: APIToken) -> None:
        services.revoke(APIToken.objects.filter(pk=obj.pk), RevokeReason.ADMIN)
        super().delete_model(request, obj)
