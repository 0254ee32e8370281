"""Proxy authentication over real HTTP: the pgtUrl callback is a live server (tests/receiver.py)
(CAS 3.0 §2.5.4, §2.6, §2.7, §3.3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client, override_settings

from identity.cas.models import ProxyGrantingTicket, ServiceTicket
from identity.core.crypto import sha256_hex
from tests.cas.conftest import CAS, failure_code, get_ticket, outcome

pytestmark = pytest.mark.django_db

LOOPBACK = {"CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK": True}


@pytest.fixture
def loopback() -> Iterator[None]:
    with override_settings(IDENTITY=LOOPBACK):
        yield


@pytest.fixture
def proxy_app(service_factory: Any, receiver: Any) -> Any:
    """A service that may proxy, whose pgtUrl is the live receiver."""
    return service_factory(
        "Portal proxy", receiver.url + "/", proxy_allowed=True, released_attributes="email", slo_enabled=False
    )


@pytest.fixture
def backend(service_factory: Any) -> Any:
    return service_factory("Mail backend", "https://mail.example.com/")


def validate(path: str, ticket: str, service: str, **params: str) -> Any:
    return Client().get(f"{path}?{urlencode({'ticket': ticket, 'service': service, **params})}")


def callback_params(receiver: Any, index: int = -1) -> dict[str, str]:
    request = receiver.received[index]
    assert request.method == "GET"
    return {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}


def proxy_ticket(pgt: str, target: str) -> str:
    kind, success = outcome(Client().get("/cas/proxy?" + urlencode({"pgt": pgt, "targetService": target})))
    assert kind == "proxySuccess"
    return success.find(f"{CAS}proxyTicket").text


def obtain_pgt(browser: Client, receiver: Any, service: str, pgt_url: str) -> tuple[str, Any]:
    ticket = get_ticket(browser, service)
    response = validate("/cas/serviceValidate", ticket, service, pgtUrl=pgt_url)
    kind, success = outcome(response)
    assert kind == "authenticationSuccess", response.content
    params = callback_params(receiver)
    assert success.find(f"{CAS}proxyGrantingTicket").text == params["pgtIou"]
    return params["pgtId"], success


def test_pgt_url_receives_the_pgt_and_the_response_carries_its_iou(
    loopback: None, proxy_app: Any, browser: Client, receiver: Any
) -> None:
    service = receiver.url + "/app/"
    pgt, _ = obtain_pgt(browser, receiver, service, receiver.url + "/pgt?keep=me")
    params = callback_params(receiver)
    assert params["keep"] == "me"  # §2.5.4: the callback's own parameters are preserved
    assert pgt.startswith("PGT-") and len(pgt) == 64 and params["pgtIou"].startswith("PGTIOU-")
    assert len(params["pgtIou"]) == 64
    row = ProxyGrantingTicket.objects.get()
    assert row.digest == sha256_hex(pgt)  # only the digest is stored
    assert pgt not in json.dumps(list(ProxyGrantingTicket.objects.values()), default=str)


def test_proxy_ticket_round_trip_with_the_proxies_list(
    loopback: None, proxy_app: Any, backend: Any, browser: Client, receiver: Any
) -> None:
    pgt_url = receiver.url + "/pgt"
    pgt, _ = obtain_pgt(browser, receiver, receiver.url + "/app/", pgt_url)
    response = Client().get("/cas/proxy?" + urlencode({"pgt": pgt, "targetService": "https://mail.example.com/inbox"}))
    kind, success = outcome(response)
    assert kind == "proxySuccess"
    pt = success.find(f"{CAS}proxyTicket").text
    assert pt.startswith("PT-") and len(pt) == 32
    kind, success = outcome(validate("/cas/p3/proxyValidate", pt, "https://mail.example.com/inbox"))
    assert kind == "authenticationSuccess"
    assert success.find(f"{CAS}user").text == "alice"
    assert [p.text for p in success.find(f"{CAS}proxies")] == [pgt_url]
    assert success.find(f"{CAS}attributes/{CAS}isFromNewLogin").text == "false"
    # A proxy ticket, like a service ticket, validates once.
    assert failure_code(validate("/cas/proxyValidate", pt, "https://mail.example.com/inbox")) == "INVALID_TICKET"


def test_chained_proxies_are_listed_most_recent_first(
    loopback: None, service_factory: Any, browser: Client, receiver: Any
) -> None:
    service_factory("First proxy", receiver.url + "/first/", proxy_allowed=True)
    service_factory("Second proxy", receiver.url + "/second/", proxy_allowed=True)
    service_factory("Backend", "https://db.example.com/")
    first_cb, second_cb = receiver.url + "/first/cb", receiver.url + "/second/cb"
    pgt1, _ = obtain_pgt(browser, receiver, receiver.url + "/first/app", first_cb)
    pt1 = proxy_ticket(pgt1, receiver.url + "/second/app")
    kind, _ = outcome(validate("/cas/proxyValidate", pt1, receiver.url + "/second/app", pgtUrl=second_cb))
    assert kind == "authenticationSuccess"
    pgt2 = callback_params(receiver)["pgtId"]
    _, success = outcome(
        validate("/cas/proxyValidate", proxy_ticket(pgt2, "https://db.example.com/q"), "https://db.example.com/q")
    )
    assert [p.text for p in success.find(f"{CAS}proxies")] == [second_cb, first_cb]
    response = validate(
        "/cas/proxyValidate", proxy_ticket(pgt2, "https://db.example.com/q"), "https://db.example.com/q", format="JSON"
    )
    assert json.loads(response.content)["serviceResponse"]["authenticationSuccess"]["proxies"] == [second_cb, first_cb]


def test_service_validate_and_validate_refuse_proxy_tickets(
    loopback: None, proxy_app: Any, backend: Any, browser: Client, receiver: Any
) -> None:
    pgt, _ = obtain_pgt(browser, receiver, receiver.url + "/app/", receiver.url + "/pgt")

    def pt() -> str:
        return proxy_ticket(pgt, "https://mail.example.com/")

    for path in ("/cas/serviceValidate", "/cas/p3/serviceValidate"):
        ticket = pt()
        response = validate(path, ticket, "https://mail.example.com/")
        assert failure_code(response) == "INVALID_TICKET_SPEC"
        assert "proxy ticket" in outcome(response)[1].text
        # that attempt spent it (one validation attempt, §3.2.1)
        assert failure_code(validate("/cas/proxyValidate", ticket, "https://mail.example.com/")) == "INVALID_TICKET"
    assert (
        Client().get("/cas/validate?" + urlencode({"ticket": pt(), "service": "https://mail.example.com/"})).content
        == b"no\n\n"
    )


@pytest.mark.parametrize(
    "query",
    [{}, {"pgt": "PGT-x"}, {"targetService": "https://mail.example.com/"}, {"pgt": "", "targetService": ""}],
)
def test_proxy_needs_both_parameters(query: dict[str, str]) -> None:
    response = Client().get("/cas/proxy?" + urlencode(query))
    assert failure_code(response) == "INVALID_REQUEST"
    assert outcome(response)[0] == "proxyFailure"


def test_proxy_repeated_parameters_are_invalid_request() -> None:
    query = urlencode([("pgt", "PGT-a"), ("pgt", "PGT-b"), ("targetService", "https://mail.example.com/")])
    assert failure_code(Client().get("/cas/proxy?" + query)) == "INVALID_REQUEST"


def test_proxy_with_an_unknown_pgt_is_invalid_ticket(backend: Any) -> None:
    for pgt in ("PGT-" + "a" * 60, "ST-abc", "x" * 300):
        response = Client().get("/cas/proxy?" + urlencode({"pgt": pgt, "targetService": "https://mail.example.com/"}))
        assert failure_code(response) in {"INVALID_TICKET", "INVALID_REQUEST"}
    response = Client().get(
        "/cas/proxy?" + urlencode({"pgt": "PGT-" + "a" * 60, "targetService": "https://mail.example.com/"})
    )
    assert failure_code(response) == "INVALID_TICKET"


def test_proxy_to_an_unregistered_target_is_unauthorized_service(
    loopback: None, proxy_app: Any, browser: Client, receiver: Any
) -> None:
    pgt, _ = obtain_pgt(browser, receiver, receiver.url + "/app/", receiver.url + "/pgt")
    response = Client().get("/cas/proxy?" + urlencode({"pgt": pgt, "targetService": "https://evil.example.net/"}))
    assert failure_code(response) == "UNAUTHORIZED_SERVICE"
    assert not ServiceTicket.objects.filter(kind="PT").exists()


def test_proxy_json_format(loopback: None, proxy_app: Any, backend: Any, browser: Client, receiver: Any) -> None:
    pgt, _ = obtain_pgt(browser, receiver, receiver.url + "/app/", receiver.url + "/pgt")
    query = {"pgt": pgt, "targetService": "https://mail.example.com/", "format": "JSON"}
    body = json.loads(Client().get("/cas/proxy?" + urlencode(query)).content)
    assert body["serviceResponse"]["proxySuccess"]["proxyTicket"].startswith("PT-")
    body = json.loads(Client().get("/cas/proxy?format=JSON").content)
    assert body["serviceResponse"]["authenticationFailure"]["code"] == "INVALID_REQUEST"  # §2.7.2's JSON shape


def test_a_service_that_may_not_proxy_gets_unauthorized_service_proxy(
    loopback: None, service_factory: Any, browser: Client, receiver: Any
) -> None:
    service_factory("No proxy", receiver.url + "/")
    ticket = get_ticket(browser, receiver.url + "/app/")
    response = validate("/cas/serviceValidate", ticket, receiver.url + "/app/", pgtUrl=receiver.url + "/pgt")
    assert failure_code(response) == "UNAUTHORIZED_SERVICE_PROXY"
    assert not receiver.received and not ProxyGrantingTicket.objects.exists()
    assert not ServiceTicket.objects.get(ticket=ticket).succeeded  # no single logout for a failed validation


@pytest.mark.parametrize(
    "pgt_url",
    ["{receiver}/pgt", "https://evil.example.net/pgt", "ftp://127.0.0.1/pgt", "not a url", "https://a@127.0.0.1/"],
)
def test_bad_callback_urls_are_invalid_proxy_callback(
    proxy_app: Any, browser: Client, receiver: Any, pgt_url: str
) -> None:
    """Without the loopback setting, http is refused; other hosts are never called (no SSRF)."""
    ticket = get_ticket(browser, receiver.url + "/app/")
    response = validate(
        "/cas/serviceValidate", ticket, receiver.url + "/app/", pgtUrl=pgt_url.format(receiver=receiver.url)
    )
    assert failure_code(response) == "INVALID_PROXY_CALLBACK"
    assert not receiver.received and not ProxyGrantingTicket.objects.exists()


def test_the_loopback_setting_is_needed_for_http(proxy_app: Any, browser: Client, receiver: Any) -> None:
    with override_settings(IDENTITY=LOOPBACK):
        obtain_pgt(browser, receiver, receiver.url + "/app/", receiver.url + "/pgt")


@pytest.mark.parametrize("status", [404, 500, 302, 201])
def test_a_callback_that_does_not_answer_200_fails_the_validation(
    loopback: None, proxy_app: Any, browser: Client, receiver: Any, status: int
) -> None:
    receiver.script.append(status)
    receiver.headers = {"Location": receiver.url + "/elsewhere"} if status == 302 else {}
    ticket = get_ticket(browser, receiver.url + "/app/")
    response = validate("/cas/serviceValidate", ticket, receiver.url + "/app/", pgtUrl=receiver.url + "/pgt")
    assert failure_code(response) == "INVALID_PROXY_CALLBACK"
    assert outcome(response)[1].find(f"{CAS}proxyGrantingTicket") is None
    assert len(receiver.received) == 1  # a redirect is not followed
    assert not ProxyGrantingTicket.objects.exists()


def test_an_unreachable_callback_fails_quickly(loopback: None, service_factory: Any, browser: Client) -> None:
    from tests.e2e.servers import free_port

    base = f"http://127.0.0.1:{free_port()}"
    service_factory("Gone", base + "/", proxy_allowed=True)
    ticket = get_ticket(browser, base + "/app/")
    response = validate("/cas/serviceValidate", ticket, base + "/app/", pgtUrl=base + "/pgt")
    assert failure_code(response) == "INVALID_PROXY_CALLBACK"


def test_proxy_granting_tickets_end_with_the_sso_session(
    loopback: None, proxy_app: Any, backend: Any, browser: Client, receiver: Any
) -> None:
    pgt, _ = obtain_pgt(browser, receiver, receiver.url + "/app/", receiver.url + "/pgt")
    browser.post("/accounts/logout/")
    assert not ProxyGrantingTicket.objects.exists()
    response = Client().get("/cas/proxy?" + urlencode({"pgt": pgt, "targetService": "https://mail.example.com/"}))
    assert failure_code(response) == "INVALID_TICKET"


def test_revoking_proxy_permission_stops_existing_pgts(
    loopback: None, proxy_app: Any, backend: Any, browser: Client, receiver: Any
) -> None:
    pgt, _ = obtain_pgt(browser, receiver, receiver.url + "/app/", receiver.url + "/pgt")
    proxy_app.proxy_allowed = False
    proxy_app.save()
    response = Client().get("/cas/proxy?" + urlencode({"pgt": pgt, "targetService": "https://mail.example.com/"}))
    assert failure_code(response) == "UNAUTHORIZED_SERVICE"
