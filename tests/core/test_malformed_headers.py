"""Bad Authorization headers get 400/401 in the API's JSON shape, never a 500."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

B64 = base64.b64encode


@pytest.mark.parametrize(
    ("header", "status", "error"),
    [
        ("Basic", 400, "invalid_request"),
        ("Basic ", 400, "invalid_request"),
        ("Basic !!!notbase64", 400, "invalid_request"),
        ("Basic " + B64(b"no-colon").decode(), 400, "invalid_request"),
        ("Basic " + B64(b":password-only").decode(), 400, "invalid_request"),
        ("Basic " + B64(b"\xff\xfe:\xff").decode(), 400, "invalid_request"),
        ("Basic " + B64(b"al\x00ice:pw").decode(), 400, "invalid_request"),
        ("Basic abc def", 400, "invalid_request"),
        ("Basic " + "A" * 9000, 400, "invalid_request"),
        ("basic " + B64(b"alice:wrong").decode(), 401, "invalid_credentials"),
        ("Bäsic abc", 401, "not_authenticated"),  # not a scheme we know: anonymous
        ("Negotiate abc", 401, "not_authenticated"),
    ],
)
@pytest.mark.parametrize("path", ["/api/whoami/", "/plain/whoami/"])
def test_malformed_authorization(alice: Any, header: str, status: int, error: str, path: str) -> None:
    response = Client().get(path, HTTP_AUTHORIZATION=header)
    if path.startswith("/plain/") and status == 401 and error == "not_authenticated":
        # A plain view answers anonymous requests itself; the header was simply ignored.
        assert response.status_code == 200 and response.json()["user"] is None
        return
    assert response.status_code == status, response.content
    assert response.json()["error"] == error
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Basic")


def test_a_non_latin1_header_does_not_crash(alice: Any) -> None:
    # WSGI servers hand headers over as latin-1 text; odd bytes must still end in a clean answer.
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION="Basic \u00ff\u00fe")
    assert response.status_code == 400
