"""The issue's demo journey in a real browser (Debian's chromium, headless): site B sends an
anonymous visitor to site A, who signs in there once; back on site B as alice; site A already
knows her; signing out on site B signs her out on site A too."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_single_sign_on_and_single_sign_out_between_the_demo_sites(demo_sites: Any, page: Any) -> None:
    site_a, site_b = demo_sites
    page.goto(site_b.url + "/")
    assert page.url.startswith(site_a.url + "/accounts/login/")  # sent to site A to sign in
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-demo-pass")
    page.click("button[type=submit]")
    page.wait_for_url(site_b.url + "/")
    assert page.text_content("[data-testid=home-user]") == "alice"  # back on site B as alice
    page.goto(site_a.url + "/")
    assert page.text_content("[data-testid=home-user]") == "alice"  # site A: already signed in
    page.goto(site_b.url + "/")
    page.click("text=Sign out")  # on site B
    page.wait_for_url(site_a.url + "/accounts/login/**")  # B's home needs a user again: off to A's login
    page.goto(site_a.url + "/")
    assert page.locator("[data-testid=home-user]").count() == 0  # signed out on site A
    assert page.locator("text=Sign in").count() >= 1
