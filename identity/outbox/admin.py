from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from identity.core.admin import model_permission
from identity.core.generics import ModelAdmin
from identity.outbox.models import OutboxMessage, OutboxStatus


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ModelAdmin[OutboxMessage]):
    list_display = ["kind", "url", "status", "attempts", "last_status", "next_attempt_at", "created_at", "delivered_at"]
    list_filter = ["status", "kind"]
    search_fields = ["url", "session_sid"]
    actions = ["retry_now"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    has_retry_permission = model_permission("change")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Retry now (the worker delivers them on its next pass)", permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        """Needs ``change_outboxmessage``: it rewrites the messages' state, and the worker then
        sends them to other servers again."""
        count = queryset.exclude(status=OutboxStatus.DELIVERED).update(
            status=OutboxStatus.PENDING, next_attempt_at=timezone.now(), locked_until=None, attempts=0
        )
        self.message_user(request, f"{count} message(s) queued again.", messages.SUCCESS)
