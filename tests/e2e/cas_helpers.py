"""A scripted browser for the CAS end-to-end tests: requests sessions (one cookie jar each,
keyed by host like a browser's) that fill in site A's sign-in form and sign out with CSRF
tokens, plus registering services on live site A."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import requests

from tests.e2e.servers import DemoSite

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DEMO_PASSWORD = "alice-demo-pass"


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, html[:2000]
    return match.group(1)


def submit_sign_in(session: requests.Session, form_page: requests.Response, **kwargs: Any) -> requests.Response:
    """Post alice's credentials to the sign-in form ``form_page`` shows (site A's /cas/login)."""
    assert 'name="password"' in form_page.text, form_page.text[:2000]
    data = {"username": "alice", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": csrf_token(form_page.text)}
    return session.post(form_page.url, data=data, headers={"Referer": form_page.url}, **kwargs)


def sign_out(session: requests.Session, site_url: str) -> requests.Response:
    """Press "Sign out" on a site's page (a CSRF-protected POST to /accounts/logout/)."""
    page = session.get(site_url + "/")
    return session.post(
        site_url + "/accounts/logout/",
        data={"csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": page.url},
    )


def signed_in_on_site_a(session: requests.Session, site_a: DemoSite) -> bool:
    return session.get(site_a.url + "/accounts/security/", allow_redirects=False).status_code == 200


def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def register_service(site_a: DemoSite, name: str, pattern: str, **fields: object) -> None:
    """Register a CAS service the way an administrator does: in site A's admin. The process that
    saves it sees it at once (other processes within CAS_REGISTRY_CACHE_SECONDS)."""
    admin = requests.Session()
    form = admin.get(site_a.url + "/admin/login/?next=/admin/")
    admin.post(
        form.url,
        data={"username": "admin", "password": "admin-demo-pass", "csrfmiddlewaretoken": csrf_token(form.text)},
        headers={"Referer": form.url},
    )
    add = admin.get(site_a.url + "/admin/identity/casservice/add/")
    data: dict[str, object] = {
        "csrfmiddlewaretoken": csrf_token(add.text),
        "name": name,
        "match_type": "prefix",
        "pattern": pattern,
        "enabled": "on",
        "slo_enabled": "on",
        "released_attributes": "",
        "slo_url": "",
        "description": "",
        "_save": "Save",
    }
    for key, value in fields.items():
        if isinstance(value, bool):
            data.pop(key, None)
            if value:
                data[key] = "on"
        else:
            data[key] = value
    saved = admin.post(add.url, data=data, headers={"Referer": add.url}, allow_redirects=False)
    assert saved.status_code == 302, saved.text[:3000]
