"""The OpenID Connect relying party's system checks (E72x)."""

from __future__ import annotations

import pytest

from tests.test_checks import ids

FLOWS = {"oidc": "identity.client.oidc.flow.OIDCSignInFlow"}
RP = {
    "CLIENT_PROTOCOL": "oidc",
    "CLIENT_FLOWS": FLOWS,
    "OIDC_RP_DISCOVERY_URL": "https://id.example.com/.well-known/openid-configuration",
    "OIDC_RP_CLIENT_ID": "reports",
    "OAUTH2_PROVIDER": False,
}


def _e7(**identity: object) -> set[str]:
    return {i for i in ids(IDENTITY={**RP, **identity}, ROOT_URLCONF="tests.client.urls") if i[10:12] == "72"}


def test_clean_relying_party_settings() -> None:
    assert _e7() == set()


@pytest.mark.parametrize("missing", ["OIDC_RP_DISCOVERY_URL", "OIDC_RP_CLIENT_ID"])
def test_discovery_url_and_client_id_are_required(missing: str) -> None:
    assert "identity.E720" in _e7(**{missing: ""})


@pytest.mark.parametrize("url", ["https://id.example.com", "ftp://id.example.com/.well-known/openid-configuration"])
def test_discovery_url_shape(url: str) -> None:
    assert "identity.E721" in _e7(OIDC_RP_DISCOVERY_URL=url)


def test_plain_http_provider_warns_in_production() -> None:
    url = "http://id.example.com/.well-known/openid-configuration"
    assert "identity.W722" in {
        i for i in ids(DEBUG=False, IDENTITY={**RP, "OIDC_RP_DISCOVERY_URL": url}, ROOT_URLCONF="tests.client.urls")
    }


def test_openid_scope_is_required() -> None:
    assert "identity.E723" in _e7(OIDC_RP_SCOPES="profile email")


def test_callback_must_be_mounted() -> None:
    assert "identity.E724" in {i for i in ids(IDENTITY=RP) if i.startswith("identity.E72")}
