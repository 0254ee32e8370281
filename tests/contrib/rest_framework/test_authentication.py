from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_session_requests_need_csrf_on_unsafe_methods(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    client.post("/accounts/login/", {"username": "alice", "password": "alice-pass", "csrfmiddlewaretoken": token})
    assert client.get("/api/whoami/").status_code == 200
    response = client.post("/api/whoami/")
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert client.post("/api/whoami/", HTTP_X_CSRFTOKEN=token).json()["posted"] is True


def test_anonymous_gets_401_not_403() -> None:
    response = Client().post("/api/whoami/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"]


def test_public_views_still_see_the_user(alice: Any) -> None:
    client = Client()
    assert client.get("/api/public/").json() == {"user": None}
    sign_in(client)
    assert client.get("/api/public/").json() == {"user": "alice"}


def test_errors_use_the_contract_shape(alice: Any) -> None:
    client = Client()
    sign_in(client)
    response = client.delete("/api/whoami/", HTTP_X_CSRFTOKEN=client.cookies[settings.CSRF_COOKIE_NAME].value)
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
