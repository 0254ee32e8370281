"""Fixtures for the provider's tests: registered clients, PKCE pairs, and helpers that walk the
authorization step with Django's test client (full flows over HTTP use authlib, see
test_flows_http.py)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client as DjangoClient
from django.test import override_settings

from identity.oauth2.models import Client, ClientType, GrantType

ISSUER = "http://testserver"
FORM = "application/x-www-form-urlencoded"
REDIRECT = "https://app.example.com/cb"


@pytest.fixture(autouse=True)
def _issuer(settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "ISSUER": ISSUER}


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.fixture
def make_client(db: None) -> Callable[..., tuple[Client, str | None]]:
    def make(**fields: Any) -> tuple[Client, str | None]:
        values: dict[str, Any] = {
            "name": "Example app",
            "client_id": "example",
            "client_type": ClientType.CONFIDENTIAL,
            "grant_types": [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
            "redirect_uris": REDIRECT,
            "post_logout_redirect_uris": "https://app.example.com/bye",
            "scopes": "openid profile email",
            "trusted": True,
            **fields,
        }
        client = Client(**values)
        secret = client.set_secret() if client.is_confidential else None
        client.save()
        return client, secret

    return make


@pytest.fixture
def app(make_client: Callable[..., tuple[Client, str | None]]) -> tuple[Client, str]:
    client, secret = make_client()
    assert secret
    return client, secret


def authorize_url(client_id: str = "example", **params: str) -> str:
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": "openid", **params}
    return "/oauth/authorize/?" + urlencode({k: v for k, v in query.items() if v is not None})


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(browser: DjangoClient, client_id: str = "example", **params: str) -> tuple[str, str]:
    """Walk the authorization step as a signed-in browser; return ``(code, verifier)``."""
    verifier, challenge = pkce()
    values = {"code_challenge": challenge, "code_challenge_method": "S256", "state": "s1", **params}
    response = browser.get(authorize_url(client_id, **values))
    assert response.status_code == 302, response.content[:400]
    query = query_of(response["Location"])
    assert "code" in query, query
    return query["code"], verifier


def form_post(client: DjangoClient, path: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
    """POST ``data`` as application/x-www-form-urlencoded, as OAuth clients do (RFC 6749 §4.1.3)."""
    return client.post(path, urlencode(data or {}, doseq=True), content_type=FORM, **extra)


def exchange(
    client: DjangoClient, code: str, verifier: str | None, secret: str, client_id: str = "example", **extra: str
) -> Any:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, **extra}
    if verifier is not None:
        data["code_verifier"] = verifier
    return form_post(client, "/oauth/token/", data, HTTP_AUTHORIZATION=basic(client_id, secret))


__all__ = ["ISSUER", "REDIRECT", "override_settings"]
