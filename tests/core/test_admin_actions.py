"""Across every identity admin: a staff member who may only look is offered no action at all,
and every custom action declares the permission it needs (so a new one cannot slip through)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

IDENTITY_ADMINS = [
    pytest.param(model_admin, id=model._meta.model_name)
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label == "identity"
]


def _custom_actions(model_admin: admin.ModelAdmin) -> list[Any]:
    return [getattr(model_admin, name) if isinstance(name, str) else name for name in model_admin.actions or []]


def test_the_identity_admins_have_actions_to_check() -> None:
    assert sum(len(_custom_actions(param.values[0])) for param in IDENTITY_ADMINS) >= 13


@pytest.mark.parametrize("model_admin", IDENTITY_ADMINS)
def test_every_custom_action_declares_its_permission(model_admin: admin.ModelAdmin) -> None:
    for action in _custom_actions(model_admin):
        assert getattr(action, "allowed_permissions", ()), f"{action.__name__} declares no permissions="


@pytest.mark.parametrize("model_admin", IDENTITY_ADMINS)
def test_view_only_staff_are_offered_no_action(model_admin: admin.ModelAdmin) -> None:
    user = get_user_model().objects.create_user("viewer", is_staff=True)
    views = Permission.objects.filter(content_type__app_label="identity", codename__startswith="view_")
    user.user_permissions.add(*views)
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(pk=user.pk)
    assert model_admin.has_view_permission(request)
    assert model_admin.get_actions(request) == {}
