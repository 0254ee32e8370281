"""One issuer(): this site's ISSUER without a trailing slash, and an explicit error when it is
unset, never the string "None" in a token or a metadata document."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from identity.core.jose.issuer import issuer


@pytest.mark.parametrize("value", [None, "", 0])
def test_an_unset_issuer_is_an_explicit_error(settings: Any, value: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "ISSUER": value}
    with pytest.raises(ImproperlyConfigured, match=r"IDENTITY\['ISSUER'\].*identity\.E401"):
        issuer()


def test_the_issuer_has_no_trailing_slash(settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "ISSUER": "https://id.example.com/"}
    assert issuer() == "https://id.example.com"


def test_every_caller_uses_the_one_issuer() -> None:
    from identity.jwt import tokens, verify
    from identity.oauth2 import lookup, metadata
    from identity.oauth2.views import endpoints

    assert verify.issuer is tokens.issuer is metadata.issuer is lookup.issuer is endpoints.issuer is issuer


@pytest.mark.django_db
def test_the_provider_metadata_names_the_issuer_or_fails_loudly(settings: Any) -> None:
    assert Client().get("/.well-known/openid-configuration").json()["issuer"] == "http://testserver"
    settings.IDENTITY = {**settings.IDENTITY, "ISSUER": None}
    with pytest.raises(ImproperlyConfigured):
        Client().get("/.well-known/openid-configuration")  # not a document naming the issuer "None"


@pytest.mark.django_db
def test_a_jwt_is_never_signed_for_an_unset_issuer(settings: Any, alice: Any) -> None:
    from identity.jwt.tokens import issue_access_token

    settings.IDENTITY = {**settings.IDENTITY, "ISSUER": None, "JWT_AUDIENCE": "api"}
    with pytest.raises(ImproperlyConfigured):
        issue_access_token(alice, client_id="identity", scope="api")
