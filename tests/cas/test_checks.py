"""System checks of the CAS server (identity.E5xx / W5xx)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_checks import ids


@pytest.mark.parametrize("value", [0, -1, "0"])
def test_ticket_lifetime_must_be_a_positive_number(value: Any) -> None:
    assert "identity.E501" in ids(IDENTITY={"CAS_TICKET_LIFETIME": value})


@pytest.mark.parametrize("value", [None, True, "soon", 2.5])
def test_ticket_lifetime_must_be_whole_seconds(value: Any) -> None:
    assert "identity.E004" in ids(IDENTITY={"CAS_TICKET_LIFETIME": value})


def test_a_long_ticket_lifetime_warns() -> None:
    assert "identity.W501" in ids(IDENTITY={"CAS_TICKET_LIFETIME": 600})
    assert not {"identity.E501", "identity.W501"} & ids(IDENTITY={"CAS_TICKET_LIFETIME": 10})


def test_registry_cache_must_be_zero_or_more() -> None:
    assert "identity.E502" in ids(IDENTITY={"CAS_REGISTRY_CACHE_SECONDS": -1})
    assert "identity.E502" not in ids(IDENTITY={"CAS_REGISTRY_CACHE_SECONDS": 0})


def test_proxy_callback_timeout_must_be_positive() -> None:
    assert "identity.E503" in ids(IDENTITY={"CAS_PROXY_CALLBACK_TIMEOUT": 0})


def test_loopback_http_callbacks_outside_debug_warn() -> None:
    assert "identity.W502" in ids(IDENTITY={"CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK": True}, DEBUG=False)
    assert "identity.W502" not in ids(IDENTITY={"CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK": True}, DEBUG=True)
