"""The service registry in the admin: usable lists, validation messages, actions; tickets
shown masked and read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from identity.cas import registry
from identity.cas.models import CasService
from tests.cas.conftest import get_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(user_factory: Any) -> Client:
    user_factory("root", "root-pass", is_staff=True, is_superuser=True)
    client = Client()
    client.post("/accounts/login/", {"username": "root", "password": "root-pass"})
    return client


def test_services_are_listed_searched_and_filtered(admin_client: Client, app_service: Any) -> None:
    page = admin_client.get("/admin/identity/casservice/?q=app&enabled__exact=1")
    assert page.status_code == 200 and b"https://app.example.com/" in page.content


def test_adding_a_service_validates_it(admin_client: Client) -> None:
    form = {
        "name": "Reports",
        "match_type": "regex",
        "pattern": "https://(reports",
        "enabled": "on",
        "released_attributes": "email",
        "slo_enabled": "on",
        "slo_url": "",
        "description": "",
    }
    page = admin_client.post("/admin/identity/casservice/add/", form)
    assert page.status_code == 200 and b"Not a valid regular expression" in page.content
    form.update(match_type="prefix", pattern="https://reports.example.com/")
    assert admin_client.post("/admin/identity/casservice/add/", form).status_code == 302
    assert registry.find("https://reports.example.com/x").name == "Reports"  # seen at once


def test_disable_action_closes_the_service_at_once(admin_client: Client, app_service: CasService) -> None:
    assert registry.find("https://app.example.com/")
    admin_client.post("/admin/identity/casservice/", {"action": "disable", "_selected_action": [app_service.pk]})
    assert registry.find("https://app.example.com/") is None
    admin_client.post("/admin/identity/casservice/", {"action": "enable", "_selected_action": [app_service.pk]})
    assert registry.find("https://app.example.com/") is not None


def test_tickets_are_shown_masked_and_cannot_be_edited(admin_client: Client, app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    page = admin_client.get("/admin/identity/serviceticket/")
    assert page.status_code == 200
    assert ticket[:7].encode() in page.content and ticket.encode() not in page.content
    assert admin_client.get("/admin/identity/serviceticket/add/").status_code == 403
