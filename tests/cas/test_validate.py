"""Raw HTTP against the validation endpoints: /validate, serviceValidate, proxyValidate, the p3
endpoints, format=JSON, every failure code where the specification puts it, single use, expiry
and renew (CAS 3.0 §2.4 – §2.9, §3.1)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.utils import timezone

from identity.cas.models import CasService, ServiceTicket
from identity.cas.responses import instant
from tests.cas.conftest import APP, CAS, OTHER, failure_code, get_ticket, outcome, ticket_in, xml

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/cas/serviceValidate", "/cas/proxyValidate", "/cas/p3/serviceValidate", "/cas/p3/proxyValidate"]


def validate(path: str, ticket: str | None, service: str | None = APP, **params: str) -> Any:
    query = {k: v for k, v in {"ticket": ticket, "service": service, **params}.items() if v is not None}
    return Client().get(f"{path}?{urlencode(query)}")


# --- /validate (CAS 1.0) ------------------------------------------------------------------------


def test_validate_answers_yes_and_the_user_then_no(app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    response = validate("/cas/validate", ticket)
    assert response.status_code == 200
    assert response.content == b"yes\nalice\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert validate("/cas/validate", ticket).content == b"no\n\n"  # single use


@pytest.mark.parametrize(
    "query",
    [
        "",
        "ticket=ST-x",
        "service=https%3A%2F%2Fapp.example.com%2F",
        "ticket=a&ticket=b&service=x",
        "ticket=%00&service=%ff",
    ],
)
def test_validate_answers_no_to_bad_requests(app_service: Any, query: str) -> None:
    response = Client().get("/cas/validate?" + query)
    assert response.status_code == 200 and response.content == b"no\n\n"


def test_validate_refuses_another_service_and_spends_the_ticket(app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    assert validate("/cas/validate", ticket, "https://app.example.com/other").content == b"no\n\n"
    assert validate("/cas/validate", ticket).content == b"no\n\n"


# --- serviceValidate and the p3 endpoints --------------------------------------------------------


def test_service_validate_success_has_no_attributes(app_service: Any, browser: Client) -> None:
    response = validate("/cas/serviceValidate", get_ticket(browser))
    assert response["Content-Type"].startswith("application/xml")
    assert response["Referrer-Policy"] == "no-referrer"
    kind, success = outcome(response)
    assert kind == "authenticationSuccess"
    assert success.find(f"{CAS}user").text == "alice"
    assert success.find(f"{CAS}attributes") is None
    assert success.find(f"{CAS}proxyGrantingTicket") is None


def test_p3_releases_the_protocol_attributes_then_the_services_attributes(
    app_service: Any, browser: Client, alice: Any
) -> None:
    alice.groups.add(Group.objects.create(name="staff"), Group.objects.create(name="faculty"))
    ticket = get_ticket(browser)
    auth_time = ServiceTicket.objects.get(ticket=ticket).auth_time
    _, success = outcome(validate("/cas/p3/serviceValidate", ticket))
    children = [(c.tag.removeprefix(CAS), c.text) for c in success]
    assert [tag for tag, _ in children] == ["user", "attributes"]
    attributes = [(c.tag.removeprefix(CAS), c.text) for c in success.find(f"{CAS}attributes")]
    assert attributes[:3] == [
        ("authenticationDate", instant(auth_time)),
        ("longTermAuthenticationRequestTokenUsed", "false"),
        ("isFromNewLogin", "false"),  # from single sign-on
    ]
    assert attributes[3:] == [
        ("email", "alice@example.com"),
        ("first_name", "Alice"),
        ("last_name", "Liddell"),
        ("groups", "faculty"),  # multi-valued: repeated elements
        ("groups", "staff"),
    ]


def test_is_from_new_login_is_true_right_after_the_password(app_service: Any, alice: Any) -> None:
    response = Client().post(
        "/cas/login?" + urlencode({"service": APP}), {"username": "alice", "password": "alice-pass"}
    )
    _, success = outcome(validate("/cas/p3/serviceValidate", ticket_in(response["Location"])))
    assert success.find(f"{CAS}attributes/{CAS}isFromNewLogin").text == "true"


def test_only_released_attributes_are_sent(service_factory: Any, browser: Client) -> None:
    service_factory(released_attributes="email")
    _, success = outcome(validate("/cas/p3/serviceValidate", get_ticket(browser)))
    names = [c.tag.removeprefix(CAS) for c in success.find(f"{CAS}attributes")]
    assert names == ["authenticationDate", "longTermAuthenticationRequestTokenUsed", "isFromNewLogin", "email"]


def test_json_format(app_service: Any, browser: Client, alice: Any) -> None:
    alice.groups.add(Group.objects.create(name="staff"))
    response = validate("/cas/p3/serviceValidate", get_ticket(browser), format="JSON")
    assert response["Content-Type"].startswith("application/json")
    success = json.loads(response.content)["serviceResponse"]["authenticationSuccess"]
    assert success["user"] == "alice"
    attributes = success["attributes"]
    assert attributes["isFromNewLogin"] is False and attributes["longTermAuthenticationRequestTokenUsed"] is False
    assert attributes["email"] == "alice@example.com"
    assert attributes["groups"] == ["staff"]  # multi-valued attributes are always lists
    failure = json.loads(validate("/cas/serviceValidate", "ST-nope", format="json").content)
    assert failure == {
        "serviceResponse": {
            "authenticationFailure": {
                "code": "INVALID_TICKET",
                "description": failure["serviceResponse"]["authenticationFailure"]["description"],
            }
        }
    }


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_unsupported_format_is_invalid_request_in_xml_and_spends_the_ticket(
    path: str, app_service: Any, browser: Client
) -> None:
    ticket = get_ticket(browser)
    response = validate(path, ticket, format="YAML")
    assert failure_code(response) == "INVALID_REQUEST"
    assert failure_code(validate(path, ticket)) == "INVALID_TICKET"


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"ticket": "ST-abc"},
        {"service": APP},
        {"ticket": "", "service": APP},
    ],
)
def test_missing_parameters_are_invalid_request(path: str, query: dict[str, str]) -> None:
    """Only missing ones: an oversized ticket or service is present, and fails as such
    (tests/cas/test_malformed.py)."""
    assert failure_code(Client().get(f"{path}?{urlencode(query)}")) == "INVALID_REQUEST"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_repeated_parameters_are_invalid_request(path: str, app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    query = urlencode([("ticket", ticket), ("service", APP), ("service", APP)])
    assert failure_code(Client().get(f"{path}?{query}")) == "INVALID_REQUEST"
    assert failure_code(validate(path, ticket)) == "INVALID_TICKET"  # that attempt spent it
    other = get_ticket(browser)
    query = urlencode([("ticket", other), ("ticket", other), ("service", APP)])
    assert failure_code(Client().get(f"{path}?{query}")) == "INVALID_REQUEST"


def test_missing_service_spends_the_ticket(app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    assert failure_code(validate("/cas/serviceValidate", ticket, None)) == "INVALID_REQUEST"
    assert failure_code(validate("/cas/serviceValidate", ticket)) == "INVALID_TICKET"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_ticket_validates_once(path: str, app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    assert outcome(validate(path, ticket))[0] == "authenticationSuccess"
    response = validate(path, ticket)
    assert failure_code(response) == "INVALID_TICKET"
    assert "already" in outcome(response)[1].text


@pytest.mark.parametrize("path", ENDPOINTS)
def test_invalid_service_invalidates_the_ticket(
    path: str, app_service: Any, other_service: Any, browser: Client
) -> None:
    ticket = get_ticket(browser)
    assert failure_code(validate(path, ticket, OTHER)) == "INVALID_SERVICE"
    assert failure_code(validate(path, ticket)) == "INVALID_TICKET"  # §2.5.3: MUST invalidate


def test_the_service_is_compared_exactly(app_service: Any, browser: Client) -> None:
    for variant in (APP.replace("%2F", "/"), APP + "&", APP.upper(), APP.replace("https", "HTTPS")):
        assert failure_code(validate("/cas/serviceValidate", get_ticket(browser), variant)) == "INVALID_SERVICE"


@pytest.mark.parametrize("ticket", ["ST-nope", "ST-" + "A" * 29, "PGT-xyz", "TGT-1", "ST-<x>&amp;", "ST-" + "é" * 29])
def test_unknown_or_malformed_tickets_are_invalid_ticket(app_service: Any, ticket: str) -> None:
    assert failure_code(validate("/cas/serviceValidate", ticket)) == "INVALID_TICKET"


def test_expired_tickets_fail(app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    ServiceTicket.objects.filter(ticket=ticket).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = validate("/cas/serviceValidate", ticket)
    assert failure_code(response) == "INVALID_TICKET" and "expired" in outcome(response)[1].text


@override_settings(IDENTITY={"CAS_TICKET_LIFETIME": 30})
def test_the_lifetime_setting_sets_expiry(app_service: Any, browser: Client) -> None:
    row = ServiceTicket.objects.get(ticket=get_ticket(browser))
    assert timedelta(seconds=29) < row.expires_at - row.created_at <= timedelta(seconds=30)
    with override_settings(IDENTITY={"CAS_TICKET_LIFETIME": 5}):
        row = ServiceTicket.objects.get(ticket=get_ticket(browser))
    assert row.expires_at - row.created_at == timedelta(seconds=5)


def test_renew_at_validation_refuses_a_ticket_from_single_sign_on(app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    response = validate("/cas/serviceValidate", ticket, renew="true")
    assert failure_code(response) == "INVALID_TICKET" and "renew" in outcome(response)[1].text
    assert validate("/cas/validate", get_ticket(browser), renew="true").content == b"no\n\n"


def test_renew_at_validation_accepts_a_ticket_from_the_password(app_service: Any, browser: Client) -> None:
    response = browser.post(
        "/cas/login?" + urlencode({"service": APP, "renew": "true"}), {"username": "alice", "password": "alice-pass"}
    )
    ticket = ticket_in(response["Location"])
    assert outcome(validate("/cas/serviceValidate", ticket, renew="true"))[0] == "authenticationSuccess"


def test_a_service_disabled_after_the_ticket_was_issued_fails(app_service: CasService, browser: Client) -> None:
    ticket = get_ticket(browser)
    app_service.enabled = False
    app_service.save()
    assert failure_code(validate("/cas/serviceValidate", ticket)) == "INVALID_SERVICE"


def test_a_deactivated_user_fails(app_service: Any, browser: Client, alice: Any) -> None:
    ticket = get_ticket(browser)
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)  # bypasses the receivers on purpose
    assert failure_code(validate("/cas/serviceValidate", ticket)) == "INVALID_TICKET"


def test_post_is_accepted_and_other_methods_are_not(app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    response = Client().post("/cas/serviceValidate?" + urlencode({"ticket": ticket, "service": APP}))
    assert outcome(response)[0] == "authenticationSuccess"
    assert Client().put("/cas/serviceValidate").status_code == 405


def test_values_xml_cannot_carry_are_dropped(app_service: Any, browser: Client, alice: Any) -> None:
    alice.first_name = "Al\x01ice <&>"
    alice.save()
    _, success = outcome(validate("/cas/p3/serviceValidate", get_ticket(browser)))
    assert success.find(f"{CAS}attributes/{CAS}first_name").text == "Alice <&>"


def test_validation_costs_two_queries(service_factory: Any, browser: Client, django_assert_num_queries: Any) -> None:
    service_factory(released_attributes="email first_name last_name")
    ticket = get_ticket(browser)
    from identity.cas import registry

    registry.find(APP)  # the registry is cached per process
    with django_assert_num_queries(2):  # the conditional UPDATE, then the row with its user
        response = validate("/cas/p3/serviceValidate", ticket)
    assert outcome(response)[0] == "authenticationSuccess"


@pytest.mark.parametrize(
    "path",
    [*ENDPOINTS, "/cas/validate", "/cas/proxy", "/cas/login", "/cas/logout", "/cas/samlValidate"],
)
@pytest.mark.parametrize(
    "query",
    [
        "ticket=%ff%fe&service=%00",
        "service=" + "%" * 50,
        "format=JSON&format=XML",
        "pgtUrl=javascript:x&ticket=ST-1&service=x",
        "TARGET=&pgt=&targetService=",
        "service=http://[::1&gateway=1",
        "service=http://app.example.com:99999/&warn=1",
    ],
)
def test_garbage_never_causes_a_server_error(app_service: Any, browser: Client, path: str, query: str) -> None:
    for client in (Client(), browser):
        assert client.get(f"{path}?{query}").status_code < 500
        assert client.post(f"{path}?{query}", data=b"<x", content_type="text/xml").status_code < 500


def test_every_document_is_well_formed_xml(app_service: Any, browser: Client) -> None:
    for path in ENDPOINTS:
        xml(validate(path, get_ticket(browser)))
        xml(validate(path, "ST-nope"))
