"""Admin for the service registry (editable) and the live tickets (read-only, revocable)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin, messages
from django.db import models
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from identity.cas.models import CasService, ProxyGrantingTicket, ServiceTicket
from identity.core.admin import model_permission
from identity.core.generics import ModelAdmin

_M = TypeVar("_M", bound=Model)


@admin.register(CasService)
class CasServiceAdmin(ModelAdmin[CasService]):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "match_type", "pattern", "enabled", "released_attributes", "proxy_allowed", "slo_enabled"]
    list_filter = ["enabled", "match_type", "proxy_allowed", "slo_enabled"]
    search_fields = ["name", "pattern", "description", "slo_url"]
    list_editable = ["enabled"]
    actions = ["enable", "disable"]
    has_switch_permission = model_permission("change")
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "enabled", "description"]}),
        ("Which URLs belong to this service", {"fields": ["match_type", "pattern"]}),
        ("What it receives", {"fields": ["released_attributes", "proxy_allowed"]}),
        ("Single logout", {"fields": ["slo_enabled", "slo_url"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.action(description="Enable selected services", permissions=["switch"])
    def enable(self, request: HttpRequest, queryset: QuerySet[CasService]) -> None:
        """Needs ``change_casservice``, like ticking "enabled" in the list or on the form."""
        self._set_enabled(request, queryset, True)

    @admin.action(description="Disable selected services (no new tickets, validation fails)", permissions=["switch"])
    def disable(self, request: HttpRequest, queryset: QuerySet[CasService]) -> None:
        """Needs ``change_casservice``, like unticking "enabled" in the list or on the form."""
        self._set_enabled(request, queryset, False)

    def _set_enabled(self, request: HttpRequest, queryset: QuerySet[CasService], value: bool) -> None:
        count = 0
        for service in queryset:  # save() so the registry cache of this process is cleared at once
            if service.enabled != value:
                service.enabled = value
                service.save(update_fields=["enabled", "updated_at"])
                count += 1
        self.message_user(request, f"{count} service(s) {'enabled' if value else 'disabled'}.", messages.SUCCESS)


class _ReadOnly(ModelAdmin[_M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceTicket)
class ServiceTicketAdmin(_ReadOnly[ServiceTicket]):
    list_display = ["masked", "kind", "service", "user", "primary", "created_at", "consumed_at", "succeeded"]
    list_filter = ["kind", "succeeded", "primary", "created_at"]
    search_fields = ["service", "user__username", "session_sid"]
    list_select_related = ["user"]
    fields = readonly_fields = (
        "masked",
        "kind",
        "service",
        "user",
        "session_sid",
        "primary",
        "auth_time",
        "proxies",
        "created_at",
        "expires_at",
        "consumed_at",
        "succeeded",
    )

    @admin.display(description="ticket")
    def masked(self, obj: ServiceTicket) -> str:
        return f"{obj.ticket[:7]}…"  # never the whole ticket: it is a credential until validated


@admin.register(ProxyGrantingTicket)
class ProxyGrantingTicketAdmin(_ReadOnly[ProxyGrantingTicket]):
    list_display = ["callback_url", "service", "user", "created_at"]
    search_fields = ["callback_url", "service", "user__username", "session_sid"]
    list_select_related = ["user"]
    fields = readonly_fields = ("user", "session_sid", "service", "callback_url", "proxies", "auth_time", "created_at")
