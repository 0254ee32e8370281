"""System checks of the client side: the flow (identity.E70x) and the CAS client (E71x)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_checks import ids

CAS_CLIENT = {"CLIENT_PROTOCOL": "cas", "CLIENT_FLOWS": {"cas": "identity.client.cas.flow.CasSignInFlow"}}


@pytest.mark.parametrize("url", ["", "sso.example.com/cas/", "https://sso.example.com/cas", "ftp://sso/cas/", 3])
def test_the_cas_client_needs_a_server_base_url(url: Any) -> None:
    assert "identity.E711" in ids(IDENTITY={**CAS_CLIENT, "CLIENT_CAS_SERVER_URL": url})


def test_a_plain_http_cas_server_warns_outside_debug() -> None:
    settings = {**CAS_CLIENT, "CLIENT_CAS_SERVER_URL": "http://sso.example.com/cas/"}
    assert "identity.W711" in ids(IDENTITY=settings, DEBUG=False)
    assert "identity.W711" not in ids(IDENTITY=settings, DEBUG=True)
    assert not {"identity.E711", "identity.W711"} & ids(
        IDENTITY={**CAS_CLIENT, "CLIENT_CAS_SERVER_URL": "https://sso.example.com/cas/"}
    )


def test_attribute_mapping_must_be_a_dict_of_strings() -> None:
    settings = {**CAS_CLIENT, "CLIENT_CAS_SERVER_URL": "https://sso.example.com/cas/"}
    assert "identity.E004" in ids(IDENTITY={**settings, "CLIENT_CAS_ATTRIBUTES": ["email"]})
    assert "identity.E004" in ids(IDENTITY={**settings, "CLIENT_CAS_ATTRIBUTES": {"email": 1}})


@pytest.mark.parametrize("field", ["is_superuser", "is_staff", "password", "username", "groups", "nope"])
def test_attributes_may_not_set_privileges_or_identity(field: str) -> None:
    settings = {**CAS_CLIENT, "CLIENT_CAS_SERVER_URL": "https://sso.example.com/cas/"}
    assert "identity.E713" in ids(IDENTITY={**settings, "CLIENT_CAS_ATTRIBUTES": {"x": field}})


def test_sites_that_do_not_sign_in_through_cas_are_not_checked() -> None:
    assert not {"identity.E711", "identity.E712", "identity.E713"} & ids(IDENTITY={"CLIENT_CAS_ATTRIBUTES": []})


def test_the_client_protocol_must_name_a_flow() -> None:
    assert "identity.E701" in ids(IDENTITY={**CAS_CLIENT, "CLIENT_PROTOCOL": "oidc"})
    assert "identity.E702" in ids(IDENTITY={"CLIENT_PROTOCOL": "x", "CLIENT_FLOWS": {"x": "identity.nowhere.Flow"}})
    assert not {"identity.E701", "identity.E702"} & ids(
        IDENTITY={**CAS_CLIENT, "CLIENT_CAS_SERVER_URL": "https://sso.example.com/cas/"}
    )
