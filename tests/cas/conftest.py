"""Fixtures for the CAS server tests: registered services, a signed-in browser, tickets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client

from identity.cas.models import CasService
from tests.conftest import sign_in

APP = "https://app.example.com/accounts/login/?next=%2Freports%2F"
OTHER = "https://other.example.com/"
CAS = "{http://www.yale.edu/tp/cas}"


@pytest.fixture
def service_factory(db: None) -> Callable[..., CasService]:
    def make(name: str = "App", pattern: str = "https://app.example.com/", **fields: Any) -> CasService:
        row = CasService(name=name, pattern=pattern, **{"match_type": "prefix", **fields})
        row.full_clean()
        row.save()
        return row

    return make


@pytest.fixture
def app_service(service_factory: Callable[..., CasService]) -> CasService:
    return service_factory(released_attributes="email first_name last_name groups")


@pytest.fixture
def other_service(service_factory: Callable[..., CasService]) -> CasService:
    return service_factory("Other", OTHER, slo_url="https://other.example.com/cas/slo/")


@pytest.fixture
def browser(alice: Any) -> Client:
    """A browser with a single sign-on session for alice."""
    client = Client()
    sign_in(client)
    return client


def login_url(service: str | None = APP, **params: str) -> str:
    query = {"service": service, **params} if service is not None else params
    return "/cas/login" + (f"?{urlencode(query)}" if query else "")


def ticket_in(location: str) -> str:
    tickets = parse_qs(urlsplit(location).query).get("ticket", [])
    assert len(tickets) == 1, location
    return tickets[0]


def get_ticket(client: Client, service: str = APP, **params: str) -> str:
    response = client.get(login_url(service, **params))
    assert response.status_code == 303, response.content[:400]
    return ticket_in(response["Location"])


def xml(response: Any) -> Any:
    return fromstring(response.content, forbid_dtd=True)


def outcome(response: Any) -> tuple[str, Any]:
    """("authenticationSuccess" | "authenticationFailure" | ..., element)."""
    root = xml(response)
    assert root.tag == f"{CAS}serviceResponse"
    assert len(root) == 1
    return root[0].tag.removeprefix(CAS), root[0]


def failure_code(response: Any) -> str:
    kind, element = outcome(response)
    assert kind in {"authenticationFailure", "proxyFailure"}, response.content
    return element.get("code")
