"""Clients: secrets stored only as keyed hashes and shown once, registration rules enforced by the
admin form and the management command alike."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as DjangoClient
from django.test import override_settings

from identity.conf import DEFAULTS
from identity.oauth2 import secrets, uris
from identity.oauth2.forms import ClientForm
from identity.oauth2.models import Client, ClientType, GrantType
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_secret_is_stored_as_a_keyed_hash_and_checked_in_constant_time(app: Any) -> None:
    client, secret = app
    row = Client.objects.get(pk=client.pk)
    assert secret not in row.secret_digest and len(row.secret_digest) == 64
    assert row.secret_digest != __import__("hashlib").sha256(secret.encode()).hexdigest()  # keyed, not bare
    assert row.check_secret(secret)
    assert not row.check_secret(secret + "x")
    assert not row.check_secret("")


def test_a_rotated_secret_key_still_verifies_and_rehashes(app: Any) -> None:
    client, secret = app
    old_digest = client.secret_digest
    with override_settings(
        SECRET_KEY="a-new-secret-key-0123456789-0123456789-abcdef",
        SECRET_KEY_FALLBACKS=["identity-tests-secret-key-0123456789abcdef0123456789"],
    ):
        row = Client.objects.get(pk=client.pk)
        assert row.check_secret(secret)
        assert Client.objects.get(pk=client.pk).secret_digest not in {old_digest, ""}
        assert secrets.verify(secret, Client.objects.get(pk=client.pk).secret_digest) == (True, False)


@pytest.mark.parametrize(
    ("uri", "ok"),
    [
        ("https://app.example.com/cb", True),
        ("http://127.0.0.1:8001/accounts/oidc/callback/", True),
        ("http://localhost/cb", True),
        ("com.example.app:/oauth", True),
        ("http://app.example.com/cb", False),  # plain http off loopback
        ("https://app.example.com/cb#frag", False),
        ("https://*.example.com/cb", False),
        ("https://user:pw@app.example.com/cb", False),
        ("/relative", False),
        ("javascript:alert(1)", False),
        ("myapp:/cb", False),  # private-use schemes must be reversed domain names
        ("https://app.example.com/c b", False),
    ],
)
def test_redirect_uri_registration_rules(uri: str, ok: bool) -> None:
    assert (uris.problem(uri) is None) is ok


def test_matching_is_exact_except_loopback_ports_for_native_apps() -> None:
    registered = ["https://app.example.com/cb", "http://127.0.0.1/native"]
    assert uris.matches("https://app.example.com/cb", registered)
    for near_miss in [
        "https://app.example.com/cb/",
        "https://app.example.com/cb?x=1",
        "https://APP.example.com/cb",
        "https://app.example.com/cb/../cb",
        "https://app.example.com:443/cb",
    ]:
        assert not uris.matches(near_miss, registered)
    assert not uris.matches("http://127.0.0.1:53121/native", registered)
    assert uris.matches("http://127.0.0.1:53121/native", registered, allow_loopback_port=True)
    assert not uris.matches("http://127.0.0.1:53121/other", registered, allow_loopback_port=True)


def _form(**overrides: Any) -> ClientForm:
    data = {
        "name": "App",
        "client_id": "app",
        "client_type": ClientType.CONFIDENTIAL,
        "grant_types": [GrantType.AUTHORIZATION_CODE],
        "redirect_uris": "https://app.example.com/cb",
        "post_logout_redirect_uris": "",
        "backchannel_logout_uri": "",
        "scopes": ["openid"],
        "require_pkce": True,
        "access_token_format": "",
        "is_active": True,
        **overrides,
    }
    return ClientForm(data=data)


def test_form_accepts_a_sound_registration() -> None:
    assert _form().is_valid(), _form().errors


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"redirect_uris": "https://app.example.com/cb#x"}, "redirect_uris"),
        ({"redirect_uris": ""}, "redirect_uris"),
        ({"client_type": ClientType.PUBLIC, "grant_types": [GrantType.CLIENT_CREDENTIALS]}, "grant_types"),
        ({"grant_types": [GrantType.REFRESH_TOKEN]}, "grant_types"),
        ({"grant_types": ["password"]}, "grant_types"),
        ({"grant_types": ["implicit"]}, "grant_types"),
        ({"scopes": ["openid", "admin:everything"]}, "scopes"),
        ({"client_id": "has space"}, "client_id"),
        ({"backchannel_logout_uri": "http://rp.example.com/logout"}, "backchannel_logout_uri"),
        ({"post_logout_redirect_uris": "https://app.example.com/*"}, "post_logout_redirect_uris"),
        ({"access_token_lifetime": 999999}, "access_token_lifetime"),
    ],
)
def test_form_refuses_unsafe_registrations(overrides: dict[str, Any], field: str) -> None:
    form = _form(**overrides)
    assert not form.is_valid()
    assert field in form.errors


def test_public_clients_always_need_pkce() -> None:
    form = _form(client_type=ClientType.PUBLIC, require_pkce=False)
    assert form.is_valid(), form.errors
    assert form.save().pkce_required


@pytest.fixture
def admin_browser(user_factory: Any) -> DjangoClient:
    user_factory("root", "root-pass", is_staff=True, is_superuser=True)
    browser = DjangoClient()
    sign_in(browser, "root", "root-pass")
    return browser


def _admin_form(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Reports",
        "client_id": "reports",
        "client_type": ClientType.CONFIDENTIAL,
        "is_active": "on",
        "grant_types": [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
        "scopes": ["openid", "profile"],
        "require_pkce": "on",
        "redirect_uris": "https://reports.example.com/cb",
        "post_logout_redirect_uris": "",
        "backchannel_logout_uri": "",
        "access_token_format": "",
        "audience": "",
        **overrides,
    }


def test_admin_shows_a_new_secret_once_and_stores_only_its_hash(admin_browser: DjangoClient) -> None:
    response = admin_browser.post("/admin/identity/client/add/", _admin_form())
    assert response.status_code == 200, response.content[:2000]
    assert "no-store" in response["Cache-Control"]
    secret = response.context["issued"][0][1]
    assert secret.encode() in response.content
    client = Client.objects.get(client_id="reports")
    assert client.check_secret(secret) and secret not in client.secret_digest
    page = admin_browser.get(f"/admin/identity/client/{client.pk}/change/")
    assert page.status_code == 200 and secret.encode() not in page.content
    assert admin_browser.get("/admin/identity/client/").status_code == 200


def test_admin_form_errors_are_shown_not_saved(admin_browser: DjangoClient) -> None:
    response = admin_browser.post("/admin/identity/client/add/", _admin_form(redirect_uris="https://x.example.com/*"))
    assert response.status_code == 200 and b"wildcards" in response.content
    assert not Client.objects.filter(client_id="reports").exists()


def test_admin_rotate_secret_action(admin_browser: DjangoClient, app: Any) -> None:
    client, old = app
    response = admin_browser.post(
        "/admin/identity/client/", {"action": "rotate_secret", "_selected_action": [client.pk]}
    )
    assert response.status_code == 200
    new = response.context["issued"][0][1]
    client.refresh_from_db()
    assert new != old and client.check_secret(new) and not client.check_secret(old)


def test_management_command_creates_lists_and_rotates(settings: Any) -> None:
    scopes = {**DEFAULTS["OAUTH2_SCOPES"], "reports:read": "Read reports"}
    settings.IDENTITY = {**settings.IDENTITY, "OAUTH2_SCOPES": scopes}
    out = StringIO()
    call_command(
        "identity_oauth_client",
        "create",
        "--name",
        "CLI",
        "--client-id",
        "cli",
        "--public",
        "--grant",
        "device_code",
        "--grant",
        "refresh_token",
        "--scope",
        "openid profile",
        "--json",
        stdout=out,
    )
    created = json.loads(out.getvalue())
    assert created["client_id"] == "cli" and created["client_secret"] is None
    assert created["grant_types"] == [GrantType.DEVICE_CODE, GrantType.REFRESH_TOKEN]
    out = StringIO()
    call_command(
        "identity_oauth_client", "create", "--name", "Svc", "--client-id", "svc", "--grant", "client_credentials",
        "--scope", "reports:read", stdout=out,
    )  # fmt: skip
    secret = out.getvalue().split("client_secret: ")[1].split()[0]
    assert Client.objects.get(client_id="svc").check_secret(secret)
    listing = StringIO()
    call_command("identity_oauth_client", "list", stdout=listing)
    assert "cli" in listing.getvalue() and "svc" in listing.getvalue()
    rotated = StringIO()
    call_command("identity_oauth_client", "rotate-secret", "svc", stdout=rotated)
    assert not Client.objects.get(client_id="svc").check_secret(secret)
    with pytest.raises(CommandError, match="redirect"):
        call_command("identity_oauth_client", "create", "--name", "Web", "--grant", "authorization_code")
