"""The JWT-cookie row of the README's credential table, in process: the demo does not run cookie
mode, so this row is checked here against identity's pages, the admin, an API view declaring
nothing and demo site A's revenue API (the live matrix, ``tests/e2e/test_reach_matrix.py``,
covers every other row). "anonymous" means exactly what a request with no credential gets."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from identity.tokens.models import APIToken
from tests.reach_table import ACCEPTED, ANONYMOUS, table

pytestmark = pytest.mark.django_db

ROW = table()["jwt-cookie"]
ACCESS = "identity_access"

TARGETS = [
    # (column, method, path, data, accepted status)
    ("pages", "GET", "/accounts/login/", None, 200),
    ("pages", "GET", "/accounts/security/", None, 200),
    ("pages", "POST", "/accounts/security/tokens/", {"name": "from-cookie"}, 200),
    ("pages", "POST", "/accounts/security/sign-out-everywhere/", None, 302),
    ("pages", "GET", "/device/", None, 200),
    ("pages", "GET", "/cas/login", None, 200),
    ("admin", "GET", "/admin/", None, 200),
    ("admin", "GET", "/admin/auth/user/", None, 200),
    ("plain-api", "GET", "/api/auth/token/", None, 405),
    ("revenue-a", "GET", "/api/revenue/", None, 200),
]


@pytest.fixture
def cookie_browser(settings: Any, user_factory: Any) -> Client:
    """A single-page app's browser holding only the access-JWT cookie of a superuser (no session)."""
    settings.IDENTITY = {**settings.IDENTITY, "JWT_COOKIE": True}
    user_factory("root", "root-pass", is_staff=True, is_superuser=True)
    issued = Client().post(
        "/api/auth/jwt/", {"username": "root", "password": "root-pass", "cookie": True}, content_type="application/json"
    )
    assert issued.status_code == 200 and issued.cookies[ACCESS].value
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[ACCESS] = issued.cookies[ACCESS].value
    return browser


def _send(client: Client, method: str, path: str, data: Any) -> Any:
    """As a browser sends it: unsafe methods carry the CSRF token (so CSRF is not what decides)."""
    if method == "GET":
        return client.get(path)
    client.get("/accounts/login/")  # sets the CSRF cookie
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    return client.post(path, data or {}, HTTP_X_CSRFTOKEN=token)


@pytest.mark.parametrize(("column", "method", "path", "data", "accepted"), TARGETS)
def test_the_jwt_cookie_reaches_what_the_readme_says(
    cookie_browser: Client, column: str, method: str, path: str, data: Any, accepted: int
) -> None:
    expected = ROW[column]
    response = _send(cookie_browser, method, path, data)
    assert response.status_code < 500
    if expected.outcome == ACCEPTED:
        assert response.status_code == accepted, response.content[:300]
    elif expected.outcome == ANONYMOUS:
        nobody = _send(Client(enforce_csrf_checks=True), method, path, data)
        assert response.status_code == nobody.status_code, response.content[:300]
        assert response.get("Location") == nobody.get("Location")
        assert b"root" not in response.content  # the page never shows the cookie's user
    else:
        assert response.status_code == expected.status
    assert not APIToken.objects.filter(name="from-cookie").exists()
