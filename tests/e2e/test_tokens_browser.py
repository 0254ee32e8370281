"""The Security page's tokens section in a real browser: create a token, see it once, use it,
revoke it."""

from __future__ import annotations

from typing import Any

import pytest
import requests

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_create_use_and_revoke_a_token_from_the_security_page(demo_sites: Any, page: Any) -> None:
    site_a, _ = demo_sites
    page.goto(site_a.url + "/accounts/login/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", "bob-demo-pass")
    page.click("button[type=submit]")
    page.goto(site_a.url + "/accounts/security/")
    page.fill("[data-testid=api-tokens] input[name=name]", "e2e script")
    page.click("[data-testid=create-token]")
    token = page.text_content("[data-testid=new-token-value]").strip()
    assert token.startswith("idt_")
    api = f"{site_a.url}/api/revenue/"
    assert requests.get(api, headers={"Authorization": f"Token {token}"}, timeout=10).json()["user"] == "bob"
    page.goto(site_a.url + "/accounts/security/")
    assert page.locator("[data-testid=new-token]").count() == 0  # shown once only
    row = page.locator("[data-testid=tokens] tbody tr", has_text="e2e script")
    assert row.count() == 1 and token[:12] in row.text_content()
    row.locator("button", has_text="Revoke").click()
    assert "Revoked e2e script" in page.text_content(".messages")
    assert requests.get(api, headers={"Authorization": f"Token {token}"}, timeout=10).status_code == 401
