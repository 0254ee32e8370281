"""The OAuth back-channel endpoints and userinfo read requests through identity's parsing
layer: a body too large, bytes that are not UTF-8 or a control character in a field are
``400 invalid_request`` in OAuth's JSON shape (RFC 6749 §5.2), never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as DjangoClient
from django.test import override_settings

from identity.oauth2.models import DeviceAuthorization, Grant, GrantType, OAuthAccessToken
from tests.oauth2.conftest import FORM, basic, form_post

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/oauth/token/", "/oauth/revoke/", "/oauth/introspect/", "/oauth/device_authorization/"]


def _stored() -> tuple[int, int, int]:
    return OAuthAccessToken.objects.count(), Grant.objects.count(), DeviceAuthorization.objects.count()


@pytest.fixture
def app(make_client: Any) -> Any:
    """A confidential client that may use client_credentials and the device flow."""
    return make_client(grant_types=[GrantType.CLIENT_CREDENTIALS, GrantType.DEVICE_CODE], scopes="revenue:read")


def _invalid_request(response: Any) -> None:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "invalid_request"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ENDPOINTS)
@override_settings(DEBUG=True)
def test_oversized_body_is_invalid_request(path: str, app: Any) -> None:
    _, secret = app
    before = _stored()
    body = "grant_type=client_credentials&pad=" + "x" * (70 * 1024)
    _invalid_request(DjangoClient().post(path, body, content_type=FORM, HTTP_AUTHORIZATION=basic("example", secret)))
    assert _stored() == before


@pytest.mark.parametrize("path", ENDPOINTS)
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_django_s_own_limit_is_invalid_request(path: str, app: Any) -> None:
    _, secret = app
    body = "grant_type=client_credentials&pad=" + "x" * 2000
    _invalid_request(DjangoClient().post(path, body, content_type=FORM, HTTP_AUTHORIZATION=basic("example", secret)))


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "body", [b"grant_type=client_credentials&scope=%ff", b"grant_type=client_credentials&token=a%00b", b"%01=x"]
)
def test_unreadable_form_is_invalid_request(path: str, body: bytes, app: Any) -> None:
    _, secret = app
    response = DjangoClient().generic(
        "POST", path, body, content_type=FORM, HTTP_AUTHORIZATION=basic("example", secret)
    )
    _invalid_request(response)


def test_too_many_fields_is_invalid_request(app: Any) -> None:
    _, secret = app
    body = "grant_type=client_credentials" + "&x=1" * 50
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10):
        response = DjangoClient().post(
            "/oauth/token/", body, content_type=FORM, HTTP_AUTHORIZATION=basic("example", secret)
        )
    _invalid_request(response)


def test_userinfo_refuses_an_unreadable_body_with_a_bearer_challenge() -> None:
    response = DjangoClient().post("/oauth/userinfo/", "access_token=%ff", content_type=FORM)
    _invalid_request(response)
    assert response["WWW-Authenticate"].startswith("Bearer ")


def test_a_readable_token_request_still_succeeds(app: Any) -> None:
    _, secret = app
    response = form_post(
        DjangoClient(),
        "/oauth/token/",
        {"grant_type": "client_credentials", "scope": "revenue:read"},
        HTTP_AUTHORIZATION=basic("example", secret),
    )
    assert response.status_code == 200, response.content
    assert response.json()["access_token"]
