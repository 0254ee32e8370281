"""Malformed but present parameters get the failure code CAS 3.0 §2.5.3 / §2.7.3 names, in XML
and JSON: a ticket that cannot be one of ours is ``INVALID_TICKET`` (``INVALID_REQUEST`` is for
required parameters that are missing, and for an ambiguous request: a repeated parameter or an
unknown ``format``); a service the ticket was not issued for is ``INVALID_SERVICE`` whatever its
length; an unusable ``pgtUrl`` is ``INVALID_PROXY_CALLBACK``. /login and /logout never 500 and
never redirect off the registry."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client

from identity.cas.models import CasService
from tests.cas.conftest import APP, CAS, failure_code, get_ticket, login_url, outcome, xml

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/cas/serviceValidate", "/cas/proxyValidate", "/cas/p3/serviceValidate", "/cas/p3/proxyValidate"]
BAD_TICKETS = [
    "ST-" + "a" * 300,  # longer than any ticket
    "ST-" + "A" * 100_000,
    "ST-abc\x00def",
    "ST-\x01\x02\x1b[31m",
    "ST-\r\nX-Injected: 1",
    "ST-ünïcödé-ticket-ünïcödé-xx",
    " ST-abc ",
    "ST-\ud800",  # a lone surrogate: not encodable in the URL, so sent percent-encoded as UTF-8 bytes
]


def _get(path: str, pairs: list[tuple[str, str]]) -> Any:
    query = "&".join(f"{quote(k)}={quote(v, safe='', errors='surrogatepass')}" for k, v in pairs)
    return Client().get(f"{path}?{query}")


def _json_failure(response: Any) -> str:
    body = json.loads(response.content)
    code: str = body["serviceResponse"]["authenticationFailure"]["code"]
    return code


def _code(response: Any, fmt: str) -> str:
    assert response.status_code == 200, response.content[:300]
    return _json_failure(response) if fmt == "JSON" else failure_code(response)


@pytest.fixture
def proxy_service(service_factory: Any) -> CasService:
    service: CasService = service_factory("Portal", "https://app.example.com/", proxy_allowed=True)
    return service


# --- Tickets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("fmt", ["XML", "JSON"])
@pytest.mark.parametrize("ticket", BAD_TICKETS)
def test_a_ticket_that_cannot_be_ours_is_invalid_ticket(path: str, fmt: str, ticket: str, app_service: Any) -> None:
    response = _get(path, [("ticket", ticket), ("service", APP), ("format", fmt)])
    assert _code(response, fmt) == "INVALID_TICKET"


@pytest.mark.parametrize("ticket", BAD_TICKETS)
def test_validate_answers_no_to_a_ticket_that_cannot_be_ours(ticket: str, app_service: Any) -> None:
    response = _get("/cas/validate", [("ticket", ticket), ("service", APP)])
    assert response.status_code == 200 and response.content == b"no\n\n"


@pytest.mark.parametrize("fmt", ["XML", "JSON"])
@pytest.mark.parametrize("pgt", ["PGT-" + "a" * 300, "PGT-\x00", "PGT-\ud800", "ST-abc", "x" * 100_000])
def test_a_pgt_that_cannot_be_ours_is_invalid_ticket(fmt: str, pgt: str, app_service: Any) -> None:
    response = _get("/cas/proxy", [("pgt", pgt), ("targetService", APP), ("format", fmt)])
    assert _code(response, fmt) == "INVALID_TICKET"


# --- Services -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("fmt", ["XML", "JSON"])
@pytest.mark.parametrize(
    "service",
    [APP + "x" * 3000, APP + "\x00", APP + "\ud800", APP.upper(), "javascript:alert(1)", "\r\n", APP + " "],
)
def test_a_service_the_ticket_was_not_issued_for_is_invalid_service_and_spends_it(
    path: str, fmt: str, service: str, app_service: Any, browser: Client
) -> None:
    ticket = get_ticket(browser)
    assert _code(_get(path, [("ticket", ticket), ("service", service), ("format", fmt)]), fmt) == "INVALID_SERVICE"
    assert _code(_get(path, [("ticket", ticket), ("service", APP), ("format", fmt)]), fmt) == "INVALID_TICKET"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_unknown_ticket_with_a_huge_service_is_invalid_ticket(path: str, app_service: Any) -> None:
    assert failure_code(_get(path, [("ticket", "ST-abc"), ("service", APP + "x" * 3000)])) == "INVALID_TICKET"


@pytest.mark.parametrize("fmt", ["XML", "JSON"])
@pytest.mark.parametrize("target", [APP + "x" * 3000, APP + "\x00", "javascript:x", "https://evil.example/"])
def test_proxy_with_an_unusable_target_never_reaches_the_database(fmt: str, target: str, app_service: Any) -> None:
    response = _get("/cas/proxy", [("pgt", "PGT-" + "a" * 60), ("targetService", target), ("format", fmt)])
    # The PGT is checked first, unless the target cannot even be read (a NUL): then it is refused
    # before anything is looked up, as the service it is.
    assert _code(response, fmt) == ("INVALID_SERVICE" if "\x00" in target else "INVALID_TICKET")


# --- pgtUrl -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "pgt_url",
    [
        "https://app.example.com/cb" + "x" * 3000,
        "https://app.example.com/cb\x00",
        "javascript:alert(1)",
        "http://app.example.com/cb",
        "https://evil.example/cb",
        "https://app.example.com@evil.example/cb",
        "https://[::1/cb",
        "https://app.example.com:99999/cb",
        "\ud800",
    ],
)
def test_an_unusable_pgt_url_is_invalid_proxy_callback(
    path: str, pgt_url: str, proxy_service: Any, browser: Client
) -> None:
    service = "https://app.example.com/portal"
    ticket = get_ticket(browser, service)
    response = _get(path, [("ticket", ticket), ("service", service), ("pgtUrl", pgt_url)])
    assert failure_code(response) == "INVALID_PROXY_CALLBACK"
    assert failure_code(_get(path, [("ticket", ticket), ("service", service)])) == "INVALID_TICKET"


# --- Ambiguous requests: INVALID_REQUEST --------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("repeated", ["ticket", "service", "pgtUrl", "format"])
def test_a_repeated_parameter_is_invalid_request(path: str, repeated: str, app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    pairs = [("ticket", ticket), ("service", APP), ("pgtUrl", "https://app.example.com/cb"), ("format", "XML")]
    pairs.append(next(pair for pair in pairs if pair[0] == repeated))
    assert failure_code(_get(path, pairs)) == "INVALID_REQUEST"
    if repeated != "ticket":  # with exactly one ticket, the request was a validation attempt: spent
        assert failure_code(_get(path, [("ticket", ticket), ("service", APP)])) == "INVALID_TICKET"


@pytest.mark.parametrize("path", [*ENDPOINTS, "/cas/proxy"])
@pytest.mark.parametrize("fmt", ["YAML", "", "\x00", "JSON\x00", "X" * 10_000, "\ud800"])
def test_an_unknown_format_is_invalid_request_in_xml(path: str, fmt: str, app_service: Any) -> None:
    response = _get(
        path, [("ticket", "ST-abc"), ("service", APP), ("pgt", "PGT-x"), ("targetService", APP), ("format", fmt)]
    )
    if fmt == "":
        assert outcome(response)[0] in {"authenticationFailure", "proxyFailure"}  # empty: the default, XML
        return
    assert failure_code(response) == "INVALID_REQUEST"


def test_the_format_is_case_insensitive(app_service: Any, browser: Client) -> None:
    response = _get("/cas/serviceValidate", [("ticket", get_ticket(browser)), ("service", APP), ("format", "json")])
    assert "authenticationSuccess" in json.loads(response.content)["serviceResponse"]


# --- Raw query strings the test client would not build ------------------------------------------


@pytest.mark.parametrize("path", [*ENDPOINTS, "/cas/validate", "/cas/proxy"])
@pytest.mark.parametrize(
    "query",
    [
        "ticket=%E2%28%A1&service=%C0%AF",  # invalid UTF-8
        "ticket=ST-%&service=%G1",  # invalid percent-encoding
        "ticket=ST-%00%00&service=%00",
        "ticket=ST-abc&service=" + "%41" * 50_000,
        "%00=%00&ticket=ST-a",
        "ticket;service=x",
    ],
)
def test_a_raw_query_string_is_answered_in_the_protocol(path: str, query: str, app_service: Any) -> None:
    response = Client().get(f"{path}?{query}")
    assert response.status_code == 200, response.content[:300]
    if path == "/cas/validate":
        assert response.content == b"no\n\n"
    else:
        root = xml(response)
        assert root.tag == f"{CAS}serviceResponse"
        assert failure_code(response) in {"INVALID_REQUEST", "INVALID_TICKET"}


# --- /login and /logout -------------------------------------------------------------------------

HOSTILE_SERVICES = [
    "https://app.example.com.evil.net/",
    "https://app.example.com@evil.net/",
    "https://evil.net\\@app.example.com/",
    "//evil.net/",
    "/\\evil.net/",
    "javascript:alert(1)//https://app.example.com/",
    "https://app.example.com/\r\nLocation: https://evil.net/",
    "https://app.example.com/\x00",
    "https://app.example.com/\ud800",
    "https://app.example.com:99999/",
    "https://[::1/",
    "https://xn--pple-43d.com/",
    "https://аpp.example.com/",  # Cyrillic a
    "https://app.example.com/" + "x" * 100_000,
    "https://app.example.com/../../evil",
    "",
]


@pytest.mark.parametrize("service", HOSTILE_SERVICES)
@pytest.mark.parametrize("extra", [[], [("gateway", "true")], [("renew", "1"), ("warn", "1")], [("method", "POST")]])
def test_login_never_fails_and_never_leaves_the_registry(
    service: str, extra: list[tuple[str, str]], app_service: Any, browser: Client
) -> None:
    for client in (Client(), browser):
        once = [("service", quote(service, safe="", errors="surrogatepass")), *extra]
        _assert_stays_on_registry(client.get(login_url(None) + "?" + "&".join(f"{k}={v}" for k, v in once)))
        twice = [once[0], ("service", quote(APP, safe="")), *extra]  # one hostile, one registered
        _assert_stays_on_registry(client.get(login_url(None) + "?" + "&".join(f"{k}={v}" for k, v in twice)))


@pytest.mark.parametrize("service", HOSTILE_SERVICES)
def test_logout_never_fails_and_never_leaves_the_registry(service: str, app_service: Any, browser: Client) -> None:
    response = browser.get("/cas/logout?service=" + quote(service, errors="surrogatepass"))
    _assert_stays_on_registry(response)


def _assert_stays_on_registry(response: Any) -> None:
    assert response.status_code < 500, response.content[:300]
    location = response.get("Location")
    if location is not None and (location.startswith("//") or not location.startswith("/")):
        parts = urlsplit(location)
        assert (parts.scheme, parts.netloc) == ("https", "app.example.com"), location
        assert "\r" not in location and "\n" not in location and "\x00" not in location
