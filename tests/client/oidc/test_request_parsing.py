"""The relying party's back-channel logout receiver reads its body through identity's parsing
layer: an unreadable one is ``400 invalid_request`` in JSON (OIDC Back-Channel Logout §2.8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PATH = "/accounts/oidc/backchannel-logout/"
FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("body", [b"logout_token=%ff", b"logout_token=a%00b", b"logout_token=" + b"a" * 70000])
def test_unreadable_logout_request_is_invalid_request(body: bytes, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.client.urls"
    response = Client().generic("POST", PATH, body, content_type=FORM)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
