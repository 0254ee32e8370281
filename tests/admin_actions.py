"""Helpers for the admin-action permission tests: staff members holding exactly some permissions,
the actions a changelist offers, and a direct POST of an action the page did not offer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client


def staff_client(username: str, *permissions: str) -> Client:
    """A browser signed in as a staff member (never a superuser) who holds exactly
    ``permissions`` (``"identity.view_client"`` style)."""
    user = get_user_model().objects.create_user(username, is_staff=True)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    browser = Client()
    browser.force_login(user)
    return browser


def every_identity_permission_but(codename: str) -> list[str]:
    """Every permission of the identity app except ``codename``: proves that exactly that one is needed."""
    rows = Permission.objects.filter(content_type__app_label="identity").exclude(codename=codename)
    assert rows.exists() and not rows.filter(codename=codename).exists()
    return [f"identity.{row.codename}" for row in rows]


def offered_actions(page: HttpResponse) -> set[str]:
    """The actions the changelist's action menu offers (none: Django leaves the form out)."""
    form = page.context["action_form"]
    return set() if form is None else {name for name, _ in form.fields["action"].choices if name}


def post_action(browser: Client, changelist: str, action: str, *pks: Any) -> HttpResponse:
    """POST the changelist form the way the admin's action menu does."""
    return browser.post(changelist, {"action": action, "_selected_action": [str(pk) for pk in pks], "index": "0"})


def table_state(*models: type[Model]) -> list[tuple[Any, ...]]:
    """Every row of ``models``, every field: equal before and after means nothing changed."""
    return [tuple(row) for model in models for row in model.objects.order_by("pk").values_list()]


def assert_refused(browser: Client, changelist: str, action: str, pk: Any, state: Callable[[], Any]) -> None:
    """The staff member sees the changelist, is not offered ``action``, and POSTing it anyway
    changes nothing in the database."""
    page = browser.get(changelist)
    assert page.status_code == 200
    assert action not in offered_actions(page)
    before = state()
    response = post_action(browser, changelist, action, pk)
    assert response.status_code in {200, 302}
    assert state() == before


def run_offered(browser: Client, changelist: str, action: str, pk: Any) -> HttpResponse:
    """The staff member is offered ``action`` and runs it on the row ``pk``."""
    page = browser.get(changelist)
    assert page.status_code == 200
    assert action in offered_actions(page)
    response = post_action(browser, changelist, action, pk)
    assert response.status_code in {200, 302}
    return response
