"""A scripted browser over real HTTP (``requests``): signs in on a live server's login form, with
its CSRF token, and follows an authorization request up to the redirect back to the client."""

from __future__ import annotations

import re
from typing import Any

import requests

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = _CSRF_INPUT.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(base_url: str, username: str = "alice", password: str = "alice-pass") -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=10)
    response = session.post(
        f"{base_url}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": f"{base_url}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def follow_to_client(session: requests.Session, url: str, *, consent: bool = True) -> str:
    """GET the authorization URL; allow on the consent page if shown; return the Location that
    sends the browser back to the client (its redirect URI with code or error)."""
    response = session.get(url, allow_redirects=False, timeout=10)
    if response.status_code == 200 and "consent_decision" in response.text and consent:
        fields: dict[str, Any] = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', response.text)
        )
        fields = {k: v.replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", '"') for k, v in fields.items()}
        base = url.split("/oauth/authorize/")[0]
        response = session.post(
            f"{base}/oauth/authorize/",
            data={**fields, "consent_decision": "allow"},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=10,
        )
    assert response.status_code == 302, (response.status_code, response.text[:500])
    return response.headers["Location"]
