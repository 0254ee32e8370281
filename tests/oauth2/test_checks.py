"""The provider's system checks (E6xx) fire on the misconfiguration they name."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from tests.test_checks import ids

BASE = {"ISSUER": "https://id.example.com"}


def test_clean_provider_settings() -> None:
    assert not {i for i in ids(IDENTITY=BASE) if i.startswith("identity.E6") or i.startswith("identity.W6")}


@pytest.mark.parametrize("value", [0, 61, 600, "61"])
def test_code_lifetime_is_at_most_a_minute(value: Any) -> None:
    assert "identity.E601" in ids(IDENTITY={**BASE, "OAUTH2_CODE_LIFETIME": value})
    assert "identity.E601" not in ids(IDENTITY={**BASE, "OAUTH2_CODE_LIFETIME": "60"})
    assert "identity.E004" in ids(IDENTITY={**BASE, "OAUTH2_CODE_LIFETIME": None})


@pytest.mark.parametrize("scopes", [{"profile": "x"}, {"openid": "x", "bad scope": "y"}])
def test_scopes_must_be_a_named_dict_with_openid(scopes: Any) -> None:
    assert "identity.E602" in ids(IDENTITY={**BASE, "OAUTH2_SCOPES": scopes})


@pytest.mark.parametrize("scopes", [["openid"], {"openid": 1}])
def test_scopes_must_be_a_dict_of_strings(scopes: Any) -> None:
    assert "identity.E004" in ids(IDENTITY={**BASE, "OAUTH2_SCOPES": scopes})


def test_token_format() -> None:
    assert "identity.E603" in ids(IDENTITY={**BASE, "OAUTH2_ACCESS_TOKEN_FORMAT": "macaroon"})


@pytest.mark.parametrize(
    "name", ["OAUTH2_ACCESS_TOKEN_LIFETIME", "OAUTH2_DEVICE_POLL_INTERVAL", "OAUTH2_THROTTLE_CLIENT_FAILURES"]
)
def test_numbers_must_be_positive(name: str) -> None:
    assert "identity.E604" in ids(IDENTITY={**BASE, name: 0})


@pytest.mark.parametrize(
    "issuer", [None, "", "https://id.example.com/", "id.example.com", "https://id.example.com?x=1"]
)
def test_issuer_must_be_a_base_url(issuer: Any) -> None:
    assert "identity.E605" in ids(IDENTITY={**BASE, "ISSUER": issuer})
    assert "identity.E605" not in ids(IDENTITY={**BASE, "ISSUER": issuer, "OAUTH2_PROVIDER": False})


def test_plain_http_issuer_warns_in_production() -> None:
    with override_settings(SILENCED_SYSTEM_CHECKS=[]):
        assert "identity.W606" in ids(DEBUG=False, IDENTITY={**BASE, "ISSUER": "http://id.example.com"})
        assert "identity.W606" not in ids(DEBUG=False, IDENTITY={**BASE, "ISSUER": "http://localhost:8000"})


def test_opaque_tokens_need_their_authenticator() -> None:
    assert "identity.W607" in ids(IDENTITY={**BASE, "OAUTH2_ACCESS_TOKEN_FORMAT": "opaque", "AUTHENTICATORS": []})
