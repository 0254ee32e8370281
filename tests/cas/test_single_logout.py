"""Single logout (CAS 3.0 §2.3.3, Appendix C): one outbox message per validated ticket of the
ended session, in the ending transaction, delivered over real HTTP."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from defusedxml.ElementTree import fromstring
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from identity.cas.models import ServiceTicket
from identity.outbox.models import OutboxMessage
from identity.outbox.services import deliver_due
from identity.sessions.models import UserSession
from identity.sessions.services import end_session
from tests.cas.conftest import APP, OTHER, get_ticket, outcome
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
SAMLP2 = "{urn:oasis:names:tc:SAML:2.0:protocol}"
SAML2 = "{urn:oasis:names:tc:SAML:2.0:assertion}"


def validated_ticket(browser: Client, service: str = APP) -> str:
    ticket = get_ticket(browser, service)
    response = Client().get("/cas/serviceValidate?" + urlencode({"ticket": ticket, "service": service}))
    assert outcome(response)[0] == "authenticationSuccess"
    return ticket


def logout_requests() -> list[tuple[str, str]]:
    """(url, SessionIndex) of every queued single-logout message."""
    found = []
    for message in OutboxMessage.objects.filter(kind="cas.slo").order_by("pk"):
        assert message.content_type == "application/x-www-form-urlencoded"
        (document,) = parse_qs(message.body)["logoutRequest"]
        root = fromstring(document)
        assert root.tag == f"{SAMLP2}LogoutRequest"
        assert root.get("Version") == "2.0" and root.get("ID") and root.get("IssueInstant").endswith("Z")
        assert root.find(f"{SAML2}NameID").text == "@NOT_USED@"
        index = root.find(f"{SAMLP2}SessionIndex").text
        assert index == index.strip()  # clients compare it to the ticket exactly
        found.append((message.url, index))
    return found


def test_sign_out_queues_a_logout_request_per_validated_ticket(
    app_service: Any, other_service: Any, browser: Client
) -> None:
    first, second = validated_ticket(browser), validated_ticket(browser)
    third = validated_ticket(browser, OTHER)
    unvalidated = get_ticket(browser)
    sid = UserSession.objects.get(ended_at__isnull=True).sid
    browser.post("/accounts/logout/")
    requests = logout_requests()
    assert sorted(requests) == sorted(
        [(APP, first), (APP, second), ("https://other.example.com/cas/slo/", third)]  # the SLO URL when set
    )
    assert set(OutboxMessage.objects.values_list("session_sid", flat=True)) == {sid}
    assert not ServiceTicket.objects.exists()  # nothing of the ended session can be validated any more
    response = Client().get("/cas/serviceValidate?" + urlencode({"ticket": unvalidated, "service": APP}))
    assert outcome(response)[1].get("code") == "INVALID_TICKET"


def test_other_sessions_are_untouched(app_service: Any, browser: Client, alice: Any) -> None:
    other_browser = Client()
    sign_in(other_browser)
    kept = validated_ticket(other_browser)
    ended = validated_ticket(browser)
    browser.post("/accounts/logout/")
    assert [index for _, index in logout_requests()] == [ended]
    assert ServiceTicket.objects.filter(ticket=kept).exists()


def test_services_without_slo_or_gone_from_the_registry_get_nothing(service_factory: Any, browser: Client) -> None:
    quiet = service_factory("Quiet", "https://quiet.example.com/", slo_enabled=False)
    gone = service_factory("Gone", "https://gone.example.com/")
    validated_ticket(browser, "https://quiet.example.com/")
    validated_ticket(browser, "https://gone.example.com/")
    gone.delete()
    assert quiet.pk
    browser.post("/accounts/logout/")
    assert logout_requests() == []


@pytest.mark.parametrize("how", ["cas_logout", "everywhere", "admin", "password", "expiry"])
def test_every_way_a_session_ends_sends_single_logout(app_service: Any, browser: Client, alice: Any, how: str) -> None:
    ticket = validated_ticket(browser)
    row = UserSession.objects.get(ended_at__isnull=True)
    if how == "cas_logout":
        browser.get("/cas/logout")
    elif how == "everywhere":
        browser.post("/accounts/security/sign-out-everywhere/")
    elif how == "admin":
        end_session(row, "admin")
    elif how == "password":
        alice.set_password("new-pass-123")
        alice.save()
    else:
        from identity.sessions.services import session_store

        UserSession.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        store = session_store()
        store.delete(browser.session.session_key)
        call_command("identity_clearexpired", "--quiet")
    assert logout_requests() == [(APP, ticket)]


@pytest.mark.django_db(transaction=True)
def test_logout_requests_are_delivered_over_http_right_after_the_sign_out(
    service_factory: Any, receiver: Any, alice: Any
) -> None:
    service = receiver.url + "/accounts/login/?next=%2F"
    service_factory("Live client", receiver.url + "/")
    browser = Client()
    sign_in(browser)
    ticket = validated_ticket(browser, service)
    browser.post("/accounts/logout/")  # commits, then the outbox tries it in a background thread
    (received,) = receiver.wait_for(1)
    assert received.method == "POST" and received.path == "/accounts/login/?next=%2F"
    assert received.headers["Content-Type"] == "application/x-www-form-urlencoded"
    index = fromstring(received.form["logoutRequest"][0]).find(f"{SAMLP2}SessionIndex").text
    assert index == ticket


@pytest.mark.django_db(transaction=True)
@override_settings(IDENTITY={"OUTBOX_DELIVER_ON_COMMIT": False})  # the worker's retries, driven by the test
def test_a_failing_receiver_is_retried_and_the_sign_out_does_not_wait(
    service_factory: Any, receiver: Any, alice: Any
) -> None:
    receiver.script[:] = [500]
    receiver.delay = 1.0
    service_factory("Flaky", receiver.url + "/")
    browser = Client()
    sign_in(browser)
    validated_ticket(browser, receiver.url + "/app")
    started = time.monotonic()
    assert browser.post("/accounts/logout/").status_code in {200, 302}
    assert time.monotonic() - started < 0.5 and receiver.received == []  # sign-out never waited on it
    assert deliver_due() == (0, 1)
    message = OutboxMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1 and message.next_attempt_at > timezone.now()
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert deliver_due() == (1, 0)
