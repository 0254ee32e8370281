"""/samlValidate: SAML 1.1 over SOAP (CAS 3.0 §4.2), parsed with defusedxml."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client

from tests.cas.conftest import APP, get_ticket

pytestmark = pytest.mark.django_db

SAMLP = "{urn:oasis:names:tc:SAML:1.0:protocol}"
SAML = "{urn:oasis:names:tc:SAML:1.0:assertion}"
REQUEST = """<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header/>
<SOAP-ENV:Body><samlp:Request xmlns:samlp="urn:oasis:names:tc:SAML:1.0:protocol" MajorVersion="1" MinorVersion="1"
RequestID="_192.168.16.51.1024506224022" IssueInstant="2002-06-19T17:03:44.022Z">
<samlp:AssertionArtifact>
  {ticket}
</samlp:AssertionArtifact></samlp:Request></SOAP-ENV:Body></SOAP-ENV:Envelope>"""


def saml_validate(target: str, body: str | bytes) -> Any:
    return Client().post(
        "/cas/samlValidate?" + urlencode({"TARGET": target}),
        data=body.encode() if isinstance(body, str) else body,
        content_type="text/xml",
    )


def status(response: Any) -> str:
    root = fromstring(response.content)
    return root.find(f".//{SAMLP}StatusCode").get("Value")


def test_success_for_an_https_target_carries_the_attributes(app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    response = saml_validate(APP, REQUEST.format(ticket=ticket))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    root = fromstring(response.content)
    assert status(response) == "samlp:Success"
    saml_response = root.find(f".//{SAMLP}Response")
    assert saml_response.get("Recipient") == APP and saml_response.get("InResponseTo") == "_192.168.16.51.1024506224022"
    assert root.find(f".//{SAML}AuthenticationStatement/{SAML}Subject/{SAML}NameIdentifier").text == "alice"
    assert root.find(f".//{SAML}Audience").text == APP
    attributes = {
        a.get("AttributeName"): [v.text for v in a.findall(f"{SAML}AttributeValue")]
        for a in root.iter(f"{SAML}Attribute")
    }
    assert attributes["email"] == ["alice@example.com"]
    assert attributes["isFromNewLogin"] == ["false"]
    assert attributes["longTermAuthenticationRequestTokenUsed"] == ["false"]
    assert "authenticationDate" in attributes
    assert saml_validate(APP, REQUEST.format(ticket=ticket)).status_code == 200
    assert status(saml_validate(APP, REQUEST.format(ticket=ticket))) != "samlp:Success"  # single use


def test_no_attributes_for_a_plain_http_target(service_factory: Any, browser: Client) -> None:
    service_factory(pattern="http://app.example.com/", released_attributes="email")
    service = "http://app.example.com/x"
    response = saml_validate(service, REQUEST.format(ticket=get_ticket(browser, service)))
    root = fromstring(response.content)
    assert status(response) == "samlp:Success"
    assert root.find(f".//{SAML}AttributeStatement") is None  # §4.2.1: never to a non-SSL site
    assert root.find(f".//{SAML}NameIdentifier").text == "alice"


def test_another_target_fails_and_spends_the_ticket(app_service: Any, other_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    response = saml_validate("https://other.example.com/", REQUEST.format(ticket=ticket))
    assert status(response) == "samlp:Requester"
    assert "INVALID_SERVICE" in fromstring(response.content).find(f".//{SAMLP}StatusMessage").text
    assert status(saml_validate(APP, REQUEST.format(ticket=ticket))) != "samlp:Success"


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not xml",
        "<a>",
        REQUEST.format(ticket=""),
        REQUEST.replace("AssertionArtifact", "Nothing").format(ticket="ST-x"),
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>',
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        "<x>" + "y" * 20000 + "</x>",
    ],
)
def test_bad_requests_get_a_saml_failure_never_a_500(app_service: Any, body: str) -> None:
    response = saml_validate(APP, body)
    assert response.status_code == 200
    assert status(response) == "samlp:Requester"
    assert b"root:" not in response.content  # no external entity was ever resolved


def test_target_is_required_and_get_is_refused(app_service: Any, browser: Client) -> None:
    response = Client().post("/cas/samlValidate", data=REQUEST.format(ticket="ST-x"), content_type="text/xml")
    assert status(response) == "samlp:Requester"
    assert Client().get("/cas/samlValidate?TARGET=x").status_code == 405
