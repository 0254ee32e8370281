"""Admin building blocks shared by the mechanisms."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class RecordAdminMixin:
    """A record the application writes and people only inspect or act on through admin actions
    (revoke, end, rotate): nothing is added or edited by hand, every field is shown read-only."""

    fields: Any = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
