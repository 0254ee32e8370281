"""Tokens on the Security page (created and shown once, listed, revoked) and in the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from identity.tokens.models import APIToken

pytestmark = pytest.mark.django_db


def test_create_show_once_list_and_revoke(signed_in: Client) -> None:
    response = signed_in.post("/accounts/security/tokens/", {"name": "backup"})
    assert response.status_code == 200
    html = response.content.decode()
    token = response.context["sections"][0]["new_token"]["token"]
    assert token in html and 'data-testid="new-token"' in html
    assert signed_in.get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    page = signed_in.get("/accounts/security/").content.decode()
    assert token not in page  # never shown again
    row = APIToken.objects.get()
    assert row.display in page and "backup" in page
    response = signed_in.post(f"/accounts/security/tokens/{row.pk}/revoke/")
    assert response.status_code == 302
    assert signed_in.get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert 'data-testid="no-tokens"' in signed_in.get("/accounts/security/").content.decode()


def test_nobody_revokes_another_users_token(signed_in: Client, bob: Any) -> None:
    response = Client().post("/api/auth/token/", {"username": "bob", "password": "bob-pass"})
    token = response.json()["token"]
    row = APIToken.objects.get(user=bob)
    assert signed_in.post(f"/accounts/security/tokens/{row.pk}/revoke/").status_code == 404
    assert Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_the_token_forms_need_csrf(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    client.post("/accounts/login/", {"username": "alice", "password": "alice-pass", "csrfmiddlewaretoken": csrf})
    assert client.post("/accounts/security/tokens/", {"name": "x"}).status_code == 403
    assert not APIToken.objects.exists()


def test_admin_lists_and_revokes_tokens(admin_client: Client, alice: Any) -> None:
    token = Client().post("/api/auth/token/", {"username": "alice", "password": "alice-pass"}).json()["token"]
    row = APIToken.objects.get()
    listing = admin_client.get("/admin/identity/apitoken/?state=live")
    assert listing.status_code == 200 and row.display in listing.content.decode()
    assert token not in admin_client.get(f"/admin/identity/apitoken/{row.pk}/change/").content.decode()
    response = admin_client.post(
        "/admin/identity/apitoken/", {"action": "revoke_selected", "_selected_action": [row.pk]}, follow=True
    )
    assert "Revoked 1 token" in response.content.decode()
    assert Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert admin_client.get("/admin/identity/apitoken/?state=revoked").status_code == 200
    assert admin_client.get("/admin/identity/apitoken/add/").status_code == 403


def test_section_hidden_when_tokens_are_off(signed_in: Client, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "TOKENS_ENABLED": False}
    assert 'data-testid="api-tokens"' not in signed_in.get("/accounts/security/").content.decode()
    assert Client().post("/api/auth/token/", {"username": "alice", "password": "alice-pass"}).status_code == 404
