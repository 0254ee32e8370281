from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from identity.client.oidc.models import OIDCLink, OIDCRemoteSession
from identity.core.generics import ModelAdmin


@admin.register(OIDCLink)
class OIDCLinkAdmin(ModelAdmin[OIDCLink]):
    list_display = ["user", "issuer", "sub", "created_at", "last_login_at"]
    list_filter = ["issuer"]
    search_fields = ["user__username", "user__email", "sub"]
    list_select_related = ["user"]
    readonly_fields = ["created_at", "last_login_at"]
    raw_id_fields = ["user"]


@admin.register(OIDCRemoteSession)
class OIDCRemoteSessionAdmin(ModelAdmin[OIDCRemoteSession]):
    list_display = ["session", "issuer", "sub", "remote_sid", "created_at"]
    list_filter = ["issuer"]
    search_fields = ["sub", "remote_sid", "session__user__username"]
    list_select_related = ["session", "session__user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
