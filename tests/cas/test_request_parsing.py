"""The CAS endpoints read requests through identity's parsing layer: a query string that is not
UTF-8, a control character in a parameter, too many parameters or a body too large are
``INVALID_REQUEST`` in the endpoint's own document (CAS 3.0 §2.5.3, §2.7.3; XML, or JSON for
``format=JSON``), never a 500; a request naming one ticket still spends it; the CAS sign-in page
answers with identity's HTML error page."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings

from identity.cas.models import ServiceTicket
from tests.cas.conftest import APP, failure_code, get_ticket

pytestmark = pytest.mark.django_db

VALIDATION = ["/cas/serviceValidate", "/cas/proxyValidate", "/cas/p3/serviceValidate", "/cas/p3/proxyValidate"]
SERVICE = urlencode({"service": APP})


@pytest.mark.parametrize("path", VALIDATION)
@pytest.mark.parametrize(
    ("bad", "code"),
    [("pgtUrl=%ff", "INVALID_PROXY_CALLBACK"), ("ticket2=a%00b", "INVALID_REQUEST"), ("renew=%1b", "INVALID_REQUEST")],
)
def test_unreadable_query_is_invalid_request(path: str, bad: str, code: str, app_service: Any, browser: Client) -> None:
    """Unreadable: INVALID_REQUEST, or the code of the parameter at fault (CAS 3.0 §2.5.3)."""
    ticket = get_ticket(browser)
    response = Client().get(f"{path}?ticket={ticket}&{SERVICE}&{bad}")
    assert response.status_code == 200
    assert failure_code(response) == code
    # Still a validation attempt: the ticket is spent.
    assert ServiceTicket.objects.get(ticket=ticket).consumed_at is not None
    assert failure_code(Client().get(f"{path}?ticket={ticket}&{SERVICE}")) == "INVALID_TICKET"


@pytest.mark.parametrize("path", VALIDATION)
def test_json_format_is_kept(path: str, app_service: Any) -> None:
    response = Client().get(f"{path}?ticket=ST-1&{SERVICE}&format=JSON&x=%00")
    body = json.loads(response.content)
    assert body["serviceResponse"]["authenticationFailure"]["code"] == "INVALID_REQUEST"


@pytest.mark.parametrize("path", VALIDATION)
@override_settings(DEBUG=True)
def test_oversized_body_is_invalid_request(path: str, app_service: Any) -> None:
    response = Client().post(
        f"{path}?ticket=ST-1&{SERVICE}", "x=" + "y" * (70 * 1024), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert failure_code(response) == "INVALID_REQUEST"


def test_too_many_parameters_is_invalid_request(app_service: Any) -> None:
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5):
        response = Client().get(f"/cas/serviceValidate?ticket=ST-1&{SERVICE}" + "&a=1" * 10)
    assert failure_code(response) == "INVALID_REQUEST"


def test_proxy_answers_with_a_proxy_failure(app_service: Any) -> None:
    response = Client().get("/cas/proxy?pgt=PGT-1&targetService=%ff")
    assert failure_code(response) == "INVALID_SERVICE"  # the parameter at fault names the code
    response = Client().get("/cas/proxy?pgt=PGT-1&targetService=x&format=JSON&a=%00")
    assert json.loads(response.content)["serviceResponse"]["authenticationFailure"]["code"] == "INVALID_REQUEST"


def test_validate_answers_no(app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    response = Client().get(f"/cas/validate?ticket={ticket}&{SERVICE}&x=%00")
    assert response.content == b"no\n\n"
    assert ServiceTicket.objects.get(ticket=ticket).consumed_at is not None


def test_saml_validate_answers_a_saml_failure(app_service: Any) -> None:
    response = Client().post(
        "/cas/samlValidate?TARGET=" + APP, "x" * (70 * 1024), content_type="text/xml; charset=utf-8"
    )
    assert response.status_code == 200
    assert b"INVALID_REQUEST" in response.content
    assert b"samlp:Requester" in response.content


def test_cas_sign_in_page_answers_with_identity_s_page(app_service: Any) -> None:
    response = Client().get(f"/cas/login?{SERVICE}&x=%ff")
    assert response.status_code == 400
    assert b'data-testid="bad-request"' in response.content


def test_a_readable_validation_still_succeeds(app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    response = Client().get(f"/cas/serviceValidate?ticket={ticket}&{SERVICE}")
    assert b"authenticationSuccess" in response.content
