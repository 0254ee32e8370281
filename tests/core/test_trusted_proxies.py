from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from identity.core.net import client_ip

rf = RequestFactory()


def ip(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(rf.get("/", **meta))


def test_forwarded_for_is_ignored_without_trusted_proxies() -> None:
    assert ip("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@override_settings(IDENTITY={"TRUSTED_PROXIES": ["10.0.0.0/8"]})
def test_forwarded_for_is_read_from_a_trusted_proxy() -> None:
    assert ip("10.1.2.3", "198.51.100.1") == "198.51.100.1"


@override_settings(IDENTITY={"TRUSTED_PROXIES": ["10.0.0.0/8"]})
def test_a_spoofed_left_entry_is_not_believed() -> None:
    # The client wrote "1.2.3.4" itself; our proxy appended the address it really saw.
    assert ip("10.1.2.3", "1.2.3.4, 198.51.100.1") == "198.51.100.1"


@override_settings(IDENTITY={"TRUSTED_PROXIES": ["10.0.0.0/8", "192.168.0.1"]})
def test_several_trusted_hops_are_peeled_off() -> None:
    assert ip("10.1.2.3", "198.51.100.1, 192.168.0.1, 10.9.9.9") == "198.51.100.1"


@override_settings(IDENTITY={"TRUSTED_PROXIES": ["10.0.0.0/8"]})
def test_forwarded_for_from_an_untrusted_peer_is_ignored() -> None:
    assert ip("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@override_settings(IDENTITY={"TRUSTED_PROXIES": ["10.0.0.0/8"]})
@pytest.mark.parametrize("garbage", ["not-an-ip", "", " , ", "999.1.1.1", "1.2.3.4, junk"])
def test_garbage_in_the_header_falls_back_safely(garbage: str) -> None:
    assert ip("10.1.2.3", garbage) == "10.1.2.3"


@override_settings(IDENTITY={"TRUSTED_PROXIES": ["::1", "fd00::/8"]})
def test_ipv6_and_ports() -> None:
    assert ip("::1", "[2001:db8::7]:4711") == "2001:db8::7"
    assert ip("fd00::1", "198.51.100.1:8080") == "198.51.100.1"


@pytest.mark.django_db
@override_settings(IDENTITY={"TRUSTED_PROXIES": ["10.0.0.0/8"]})
def test_the_session_index_records_the_real_client(alice) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from identity.sessions.models import UserSession
    from tests.conftest import sign_in

    sign_in(Client(), REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert UserSession.objects.get().ip == "198.51.100.23"
