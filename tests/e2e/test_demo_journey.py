"""The foundation's demo in a real browser: sign in on site A, see the Security page, sign out."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_sign_in_security_page_and_sign_out_on_site_a(demo_sites: Any, page: Any) -> None:
    site_a, _ = demo_sites
    page.goto(site_a.url + "/")
    page.click("text=Sign in")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-demo-pass")
    page.click("button[type=submit]")
    assert page.text_content("[data-testid=home-user]") == "alice"
    page.click("text=Security")
    rows = page.locator("[data-testid=sessions] tbody tr")
    # Other e2e tests share the live site and may leave alice signed in elsewhere.
    assert rows.filter(has_text="this browser").count() == 1
    page.click("[data-testid=sign-out-everywhere]")
    assert "/accounts/login/" in page.url
    page.goto(site_a.url + "/accounts/security/")
    assert "/accounts/login/" in page.url
