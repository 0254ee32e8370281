"""The Security page lists the applications each live session signed in to through CAS."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.cas.conftest import APP, get_ticket

pytestmark = pytest.mark.django_db


def test_applications_signed_in_through_single_sign_on_are_listed(app_service: Any, browser: Client) -> None:
    page = browser.get("/accounts/security/")
    assert b"No application has signed you in" in page.content
    get_ticket(browser)  # issued but never validated: not signed in anywhere yet
    assert b"No application has signed you in" in browser.get("/accounts/security/").content
    ticket = get_ticket(browser)
    Client().get("/cas/serviceValidate?" + urlencode({"ticket": ticket, "service": APP}))
    page = browser.get("/accounts/security/").content.decode()
    section = page[page.index('data-testid="cas-services"') :]
    assert "<td>App</td>" in section and "this browser" in section


def test_a_site_without_services_shows_no_section(browser: Client) -> None:
    assert b'data-testid="cas-services"' not in browser.get("/accounts/security/").content
