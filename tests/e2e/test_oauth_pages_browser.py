"""The provider's own pages in a real browser: the consent page and the device page post their
forms with CSRF protection (and a real Origin header) and cannot be framed."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

REDIRECT = "https://app.example.com/cb"


def _register(site_a: Any, client_id: str, **fields: Any) -> None:
    values = {
        "name": "Third-party app",
        "client_id": client_id,
        "redirect_uris": REDIRECT,
        "scopes": "openid profile email",
        "trusted": False,
        **fields,
    }
    site_a.shell(
        "from identity.oauth2.models import Client; import json; "
        f"v = json.loads({json.dumps(json.dumps(values))}); "
        "Client.objects.filter(client_id=v['client_id']).exists() or Client(**v).save(); print('ok')"
    )


def _sign_in(page: Any, site_a: Any) -> None:
    page.goto(site_a.url + "/accounts/login/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", "bob-demo-pass")
    page.click("main button[type=submit]")


def test_consent_in_a_browser(demo_sites: Any, page: Any) -> None:
    site_a, _ = demo_sites
    _register(site_a, "browser-consent", client_type="public", grant_types=["authorization_code"])
    landed: list[str] = []

    def client_site(route: Any) -> None:
        landed.append(route.request.url)
        route.fulfill(status=200, body="back at the client")

    page.route(re.compile(r"https://app\.example\.com/.*"), client_site)
    _sign_in(page, site_a)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"v" * 50).digest()).decode().rstrip("=")
    query = urlencode(
        {
            "response_type": "code",
            "client_id": "browser-consent",
            "redirect_uri": REDIRECT,
            "scope": "openid email",
            "state": "st",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page.goto(f"{site_a.url}/oauth/authorize/?{query}")
    assert "Allow Third-party app?" in page.text_content("[data-testid=consent]")
    page.click("[data-testid=allow]")
    page.wait_for_url(re.compile(r"https://app\.example\.com/cb\?.*"))
    returned = parse_qs(urlsplit(landed[-1]).query)
    assert returned["state"] == ["st"] and returned["iss"] == [site_a.url] and returned["code"]
    # Framing is refused: the page says so in two ways.
    headers = requests.get(f"{site_a.url}/oauth/authorize/?{query}", timeout=10, allow_redirects=False).headers
    assert headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_device_approval_in_a_browser(demo_sites: Any, page: Any) -> None:
    site_a, _ = demo_sites
    device_grant = "urn:ietf:params:oauth:grant-type:device_code"
    _register(site_a, "browser-cli", client_type="public", grant_types=[device_grant], redirect_uris="")
    start = requests.post(
        f"{site_a.url}/oauth/device_authorization/", data={"client_id": "browser-cli", "scope": "openid"}, timeout=10
    ).json()
    _sign_in(page, site_a)
    page.goto(start["verification_uri"])
    page.fill("#id_user_code", start["user_code"].lower())
    page.click("main button[type=submit]")
    assert page.text_content("[data-testid=device-code]") == start["user_code"]
    page.click("[data-testid=approve]")
    assert "now signed in as bob" in page.text_content("[data-testid=device-result]")
    token = requests.post(
        f"{site_a.url}/oauth/token/",
        data={"grant_type": device_grant, "device_code": start["device_code"], "client_id": "browser-cli"},
        timeout=10,
    )
    assert token.status_code == 200 and token.json()["id_token"]
