from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from identity.core.admin import model_permission
from identity.core.generics import ModelAdmin
from identity.sessions import services
from identity.sessions.models import EndReason, UserSession


class LiveFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("live", "Live"), ("ended", "Ended")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[UserSession]) -> QuerySet[UserSession]:
        if self.value() == "live":
            return queryset.filter(ended_at__isnull=True)
        if self.value() == "ended":
            return queryset.filter(ended_at__isnull=False)
        return queryset


@admin.register(UserSession)
class UserSessionAdmin(ModelAdmin[UserSession]):
    list_display = ["user", "device", "ip", "created_at", "auth_time", "last_seen", "state", "end_reason"]
    list_filter = [LiveFilter, "end_reason", "created_at"]
    search_fields = ["user__username", "user__email", "ip", "sid"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["end_selected"]
    fields = (
        "user",
        "sid",
        "device",
        "user_agent",
        "ip",
        "created_at",
        "auth_time",
        "last_seen",
        "ended_at",
        "end_reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # ending (which signals every mechanism) is the way; deleting would skip it

    @admin.display(description="state", ordering="ended_at")
    def state(self, obj: UserSession) -> str:
        if obj.is_live:
            return format_html('<span style="color:#137333;font-weight:600">{}</span>', "live")
        return format_html('<span style="color:#777">{}</span>', "ended")

    @admin.action(description="End selected sessions (signs the user out there)", permissions=["end"])
    def end_selected(self, request: HttpRequest, queryset: QuerySet[UserSession]) -> None:
        """Needs ``delete_usersession``: ending is the way a session is deleted here (delete
        itself is refused because it would skip the sign-out signals), never *view*."""
        ended = services.end_sessions(queryset.filter(ended_at__isnull=True).select_related("user"), EndReason.ADMIN)
        self.message_user(request, f"Ended {ended} session(s).", messages.SUCCESS)

    has_end_permission = model_permission("delete")
