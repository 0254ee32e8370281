"""Every endpoint that receives a secret marks it with ``sensitive_post_parameters``, so Django's
error reports (and any handler using its filter) show stars instead: passwords, client secrets,
codes and code verifiers, refresh and access tokens, logout tokens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.views.debug import SafeExceptionReporterFilter

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
STARS = SafeExceptionReporterFilter.cleansed_substitute

CASES = [
    ("/api/auth/token/", ["password"]),
    ("/api/auth/jwt/", ["password"]),
    ("/api/auth/jwt/refresh/", ["refresh"]),
    ("/api/auth/jwt/revoke/", ["refresh"]),
    (
        "/oauth/token/",
        ["client_secret", "code", "code_verifier", "refresh_token", "password", "device_code", "client_assertion"],
    ),
    ("/oauth/revoke/", ["token", "client_secret"]),
    ("/oauth/introspect/", ["token", "client_secret"]),
    ("/oauth/device_authorization/", ["client_secret"]),
    ("/oauth/userinfo/", ["access_token"]),
    ("/accounts/login/", ["password"]),
    ("/cas/login", ["password"]),
    ("/accounts/oidc/backchannel-logout/", ["logout_token"]),
]


@pytest.mark.parametrize(("path", "secrets"), CASES, ids=[path for path, _ in CASES])
def test_secrets_are_masked_in_error_reports(path: str, secrets: list[str], settings: Any) -> None:
    settings.DEBUG = False  # the filter is active outside DEBUG only
    if path.startswith("/accounts/oidc/"):
        settings.ROOT_URLCONF = "tests.client.urls"  # a relying party's site
    data = {name: f"secret-{name}" for name in secrets}
    body = urlencode({**data, "client_id": "public-value", "username": "someone"})
    response = Client().post(path, body, content_type=FORM)
    assert response.status_code != 404
    # Whatever the endpoint answered (a refusal, mostly), the request it read was marked.
    shown = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    for name in secrets:
        assert shown[name] == STARS, (path, name, shown)
    if path not in {"/accounts/login/", "/cas/login"}:  # pages mask every field
        assert shown["client_id"] == "public-value"
