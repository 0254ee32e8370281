"""Admin building blocks shared by the mechanisms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib.auth import get_permission_codename
from django.db.models import Model
from django.http import HttpRequest


def model_permission(action: str, model: type[Model] | None = None) -> Callable[[Any, HttpRequest], bool]:
    """A ``has_<name>_permission`` method for an admin action declared with ``permissions=[name]``:
    it needs the Django permission ``<action>_<model>`` (the admin's own model unless ``model``
    is given).

    Most of these admins are read-only (``has_change_permission`` answers False, because nobody
    edits those rows by hand), so their actions cannot say ``permissions=["change"]``; without a
    declared permission Django offers an action to anyone who may *view* the list. Each action
    therefore names its own permission and binds it here to the model permission a security
    team would grant for its effect: ``change`` for altering a configuration (a client, a
    service, a signing key, a queued delivery), ``delete`` for ending a credential (revoking,
    withdrawing, ending a session: the safe form of deleting it, and whoever may delete the row
    could end it that way already)."""

    def has_permission(model_admin: Any, request: HttpRequest) -> bool:
        opts = (model or model_admin.model)._meta
        user = request.user
        codename = get_permission_codename(action, opts)
        return bool(user.is_active and user.is_staff and user.has_perm(f"{opts.app_label}.{codename}"))

    return has_permission


class RecordAdminMixin:
    """A record the application writes and people only inspect or act on through admin actions
    (revoke, end, rotate): nothing is added or edited by hand, every field is shown read-only.
    Its actions declare their permission through :func:`model_permission`."""

    fields: ClassVar[Any] = ()  # a class attribute, as ModelAdmin declares it (this mixin comes first)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
