"""One realm, REALM, names every challenge identity sends; BASIC_REALM, its old name, still works."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings

from identity.core import challenges


@override_settings(IDENTITY={"REALM": "Reports"})
def test_realm_names_the_basic_and_the_bearer_challenges() -> None:
    assert challenges.basic() == 'Basic realm="Reports", charset="UTF-8"'
    assert challenges.bearer(error="invalid_token") == 'Bearer realm="Reports", error="invalid_token"'
    assert challenges.bearer(realm="userinfo") == 'Bearer realm="userinfo"'  # an explicit realm wins


@pytest.mark.django_db
@pytest.mark.parametrize(
    "identity",
    [{"REALM": 'Reports "API"'}, {"BASIC_REALM": 'Reports "API"'}, {"BASIC_REALM": "old", "REALM": 'Reports "API"'}],
)
def test_an_anonymous_401_carries_the_realm_in_every_challenge(identity: dict[str, str]) -> None:
    with override_settings(IDENTITY=identity):
        response = Client().get("/api/whoami/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == (
        'Basic realm="Reports \\"API\\"", charset="UTF-8", Bearer realm="Reports \\"API\\""'
    )


@pytest.mark.django_db
def test_a_refused_client_authentication_names_the_realm() -> None:
    with override_settings(IDENTITY={"ISSUER": "http://testserver", "REALM": "Reports"}):
        body = urlencode({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"})
        response = Client().post("/oauth/token/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="Reports", charset="UTF-8"'
