"""Helpers for the admin-action permission tests: staff members holding exactly some permissions,
the actions a changelist offers, a direct POST of an action the page did not offer, and
``AdminActionPermissions``, the three tests every admin action gets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
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


class AdminActionPermissions:
    """An admin action needs a write permission, not just *view*. For each of ``CASES``: a
    view-only staff member is refused the action, so is one holding every other permission of
    the app, and one holding the view permission and the one it needs runs it.

    A ``Test…`` subclass gives ``CASES``, ``pytest.param(page, action, needs, id="page-action")``
    (the model's admin page, the action, the codename it needs); ``MODELS``, the tables a refused
    action must leave as they are; and ``took_effect``. Its module gives a ``rows`` fixture, by
    default the row of each page to run the action on (else override ``target``)."""

    CASES: ClassVar[list[Any]]
    MODELS: ClassVar[tuple[type[Model], ...]]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if {"page", "action", "needs"} <= set(metafunc.fixturenames):
            metafunc.parametrize(("page", "action", "needs"), self.CASES)

    def target(self, rows: dict[str, Any], page: str, action: str) -> Any:
        """The primary key of the row ``action`` runs on."""
        return rows[page].pk

    def state(self) -> list[tuple[Any, ...]]:
        return table_state(*self.MODELS)

    def took_effect(self, action: str, rows: dict[str, Any]) -> bool:
        """Whether ``action`` has done to ``rows`` what it does (checked false before it runs)."""
        raise NotImplementedError

    def assert_still_in_force(self, rows: dict[str, Any]) -> None:
        """What a refused action must also leave working, beyond the rows of ``MODELS``."""

    def _assert_refused(self, browser: Client, rows: dict[str, Any], page: str, action: str) -> None:
        assert_refused(browser, f"/admin/identity/{page}/", action, self.target(rows, page, action), self.state)
        self.assert_still_in_force(rows)

    def test_view_only_staff_cannot_run_the_action(
        self, rows: dict[str, Any], page: str, action: str, needs: str
    ) -> None:
        self._assert_refused(staff_client("viewer", f"identity.view_{page}"), rows, page, action)

    def test_every_other_permission_is_not_enough(
        self, rows: dict[str, Any], page: str, action: str, needs: str
    ) -> None:
        self._assert_refused(staff_client("almost", *every_identity_permission_but(needs)), rows, page, action)

    def test_staff_with_the_permission_runs_the_action(
        self, rows: dict[str, Any], page: str, action: str, needs: str
    ) -> None:
        browser = staff_client("operator", f"identity.view_{page}", f"identity.{needs}")
        assert not self.took_effect(action, rows)
        run_offered(browser, f"/admin/identity/{page}/", action, self.target(rows, page, action))
        assert self.took_effect(action, rows)
