"""The demo in a real browser with site B in CAS mode: site B → site A's sign-in → back on
site B as alice → sign out on site B → signed out on site A; then the other way round."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.cas_helpers import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def demo_sites(cas_demo_sites: Any) -> Any:
    """These journeys need site B signing in by CAS (OpenID Connect is its default)."""
    return cas_demo_sites


def sign_in_through_site_b(page: Any, site_a: Any, site_b: Any) -> None:
    page.goto(site_b.url + "/")
    page.wait_for_url(re.compile(re.escape(site_a.url + "/cas/login?service=")))
    assert "Sign in to continue to Reports (site B)." in page.text_content("main")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-demo-pass")
    page.click("main button[type=submit]")
    page.wait_for_url(site_b.url + "/")
    assert page.text_content("[data-testid=home-user]") == "alice"
    assert "Signed in through the Portal" in page.text_content("[data-testid=sso-card]")


def test_sign_in_on_site_b_through_site_a_then_sign_out_on_site_b(demo_sites: Any, page: Any) -> None:
    site_a, site_b = demo_sites
    sign_in_through_site_b(page, site_a, site_b)
    # Single sign-on: site A knows alice already, without a second password.
    page.goto(site_a.url + "/")
    assert page.text_content("[data-testid=home-user]") == "alice"
    page.click("[data-testid=open-reports]")
    page.wait_for_url(site_b.url + "/")
    assert page.text_content("[data-testid=home-user]") == "alice"
    # Sign out on site B: signed out of site A too.
    page.click("header button:has-text('Sign out')")
    page.wait_for_url(re.compile(re.escape(site_a.url + "/cas/login")))
    page.goto(site_a.url + "/")
    assert page.locator("[data-testid=home-user]").count() == 0
    assert page.locator("header a:has-text('Sign in')").count() == 1
    page.goto(site_a.url + "/accounts/security/")
    assert "/accounts/login/" in page.url


def test_sign_out_on_site_a_signs_out_of_site_b(demo_sites: Any, page: Any) -> None:
    site_a, site_b = demo_sites
    sign_in_through_site_b(page, site_a, site_b)
    page.goto(site_a.url + "/accounts/security/")
    assert "Reports (site B)" in page.text_content("[data-testid=cas-services]")
    page.click("header button:has-text('Sign out')")
    page.wait_for_url(site_a.url + "/accounts/logout/")

    # Site A's single-logout request (sent right after the sign-out, off the request thread) ends
    # site B's session: site B asks for a sign-in again.
    def site_b_asks_for_a_sign_in() -> bool:
        page.goto(site_b.url + "/")
        return page.url.startswith(site_a.url + "/cas/login?service=")

    assert wait_until(site_b_asks_for_a_sign_in)
    assert page.locator("#id_password").count() == 1
