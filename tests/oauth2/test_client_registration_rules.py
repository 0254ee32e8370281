"""Registration rules the admin form and ``manage.py identity_oauth_client`` share: a
client-credentials client needs a scope that can reach something without a user, and no client
may take the client_id ``identity``, which first-party JWTs carry."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client as DjangoClient

from identity.conf import DEFAULTS
from identity.oauth2.forms import ClientForm
from identity.oauth2.models import Client, ClientType, GrantType
from identity.oauth2.validator import find_client
from tests.admin_actions import staff_client
from tests.oauth2.conftest import basic, form_post

pytestmark = pytest.mark.django_db

NO_API_SCOPE = "client_credentials tokens act for the client, not a user"
RESERVED = 'The client ID "identity" is reserved'


@pytest.fixture(autouse=True)
def _api_scope(settings: Any) -> None:
    """The site offers an API scope besides the user scopes."""
    scopes = {**DEFAULTS["OAUTH2_SCOPES"], "revenue:read": "Read revenue figures"}
    settings.IDENTITY = {**settings.IDENTITY, "OAUTH2_SCOPES": scopes}


def _service_form(scopes: list[str], **overrides: Any) -> ClientForm:
    data = {
        "name": "Nightly export",
        "client_id": "export",
        "client_type": ClientType.CONFIDENTIAL,
        "grant_types": [GrantType.CLIENT_CREDENTIALS],
        "redirect_uris": "",
        "post_logout_redirect_uris": "",
        "backchannel_logout_uri": "",
        "scopes": scopes,
        "require_pkce": True,
        "access_token_format": "",
        "is_active": True,
        **overrides,
    }
    return ClientForm(data=data)


@pytest.fixture
def registrar() -> DjangoClient:
    return staff_client("registrar", "identity.view_client", "identity.add_client", "identity.change_client")


def _admin_add(browser: DjangoClient, client_id: str, scopes: list[str], grants: list[str]) -> Any:
    return browser.post(
        "/admin/identity/client/add/",
        {
            "name": "Nightly export",
            "client_id": client_id,
            "client_type": ClientType.CONFIDENTIAL,
            "is_active": "on",
            "grant_types": grants,
            "scopes": scopes,
            "require_pkce": "on",
            "redirect_uris": "https://export.example.com/cb",
            "post_logout_redirect_uris": "",
            "backchannel_logout_uri": "",
            "access_token_format": "",
            "audience": "",
        },
    )


def _cli_create(client_id: str, *args: str) -> None:
    out = StringIO()
    call_command("identity_oauth_client", "create", "--name", "CLI", "--client-id", client_id, *args, stdout=out)


# --- client_credentials needs a scope that is not a user scope ------------------------------


@pytest.mark.parametrize("scopes", [["openid"], ["openid", "profile", "email"]])
def test_form_refuses_client_credentials_with_only_user_scopes(scopes: list[str]) -> None:
    form = _service_form(scopes)
    assert not form.is_valid()
    assert any(NO_API_SCOPE in message for message in form.errors["scopes"])
    assert "revenue:read" in form.errors["scopes"][0]


@pytest.mark.parametrize("scopes", [["revenue:read"], ["openid", "revenue:read"]])
def test_form_accepts_client_credentials_with_an_api_scope(scopes: list[str]) -> None:
    form = _service_form(scopes)
    assert form.is_valid(), form.errors


def test_user_scopes_alone_are_still_fine_without_client_credentials() -> None:
    form = _service_form(["openid"], grant_types=[GrantType.AUTHORIZATION_CODE], redirect_uris="https://a.example/cb")
    assert form.is_valid(), form.errors


def test_admin_add_form_refuses_client_credentials_with_only_user_scopes(registrar: DjangoClient) -> None:
    response = _admin_add(registrar, "export", ["openid", "profile"], [GrantType.CLIENT_CREDENTIALS])
    assert response.status_code == 200 and NO_API_SCOPE.encode() in response.content
    assert not Client.objects.filter(client_id="export").exists()
    response = _admin_add(registrar, "export", ["revenue:read"], [GrantType.CLIENT_CREDENTIALS])
    assert response.status_code == 200 and response.context["issued"]  # created: the secret page
    assert Client.objects.get(client_id="export").scope_list == ["revenue:read"]


def test_command_refuses_client_credentials_with_only_user_scopes() -> None:
    with pytest.raises(CommandError, match=NO_API_SCOPE) as refused:
        _cli_create("export", "--grant", "client_credentials", "--scope", "openid profile")
    assert refused.value.returncode != 0
    assert not Client.objects.filter(client_id="export").exists()
    _cli_create("export", "--grant", "client_credentials", "--scope", "revenue:read")
    assert Client.objects.get(client_id="export").scope_list == ["revenue:read"]


# --- the client_id "identity" is reserved for first-party tokens ----------------------------


@pytest.mark.parametrize("client_id", ["identity", "Identity", "IDENTITY"])
def test_form_refuses_the_first_party_client_id(client_id: str) -> None:
    form = _service_form(["revenue:read"], client_id=client_id)
    assert not form.is_valid()
    assert any(RESERVED in message for message in form.errors["client_id"])


def test_form_accepts_ids_that_merely_contain_it() -> None:
    assert _service_form(["revenue:read"], client_id="identity-export").is_valid()


def test_admin_add_form_refuses_the_first_party_client_id(registrar: DjangoClient) -> None:
    response = _admin_add(registrar, "Identity", ["revenue:read"], [GrantType.CLIENT_CREDENTIALS])
    assert response.status_code == 200 and RESERVED.encode() in response.content.replace(b"&quot;", b'"')
    assert not Client.objects.filter(client_id__iexact="identity").exists()


def test_command_refuses_the_first_party_client_id() -> None:
    with pytest.raises(CommandError, match=RESERVED) as refused:
        _cli_create("identity", "--grant", "client_credentials", "--scope", "revenue:read")
    assert refused.value.returncode != 0
    assert not Client.objects.filter(client_id__iexact="identity").exists()


def test_the_model_refuses_the_first_party_client_id() -> None:
    with pytest.raises(ValidationError) as refused:
        Client(name="Sneaky", client_id="IDENTITY").clean()
    assert "client_id" in refused.value.message_dict


@pytest.mark.parametrize(("client_id", "authenticates"), [("identity", False), ("IDENTITY", False), ("svc", True)])
def test_a_row_with_the_first_party_client_id_never_authenticates(
    make_client: Any, client_id: str, authenticates: bool
) -> None:
    """A row made some other way than the form (a data migration, the shell) is refused at the token endpoint."""
    _, secret = make_client(
        client_id=client_id, grant_types=[GrantType.CLIENT_CREDENTIALS], scopes="revenue:read", redirect_uris=""
    )
    assert (find_client(client_id) is not None) is authenticates
    auth = basic(client_id, secret)
    response = form_post(DjangoClient(), "/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=auth)
    if authenticates:
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 401 and response.json()["error"] == "invalid_client"
