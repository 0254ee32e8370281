"""/cas/login and /cas/logout: CAS 3.0 §2.1 – §2.3 with site A's session as the SSO session."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from identity.cas.models import ServiceTicket
from identity.sessions.models import UserSession
from tests.cas.conftest import APP, get_ticket, login_url, ticket_in

pytestmark = pytest.mark.django_db

CREDENTIALS = {"username": "alice", "password": "alice-pass"}


def assert_cas_headers(response: Any) -> None:
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"
    # Redirects carry tickets: no Referer at all. Pages: never to another site, and their own
    # forms still get a real Origin (under no-referrer browsers send "null", failing CSRF).
    assert response["Referrer-Policy"] == ("no-referrer" if response.status_code == 303 else "same-origin")


def test_anonymous_login_shows_the_sign_in_form_naming_the_service(app_service: Any, alice: Any) -> None:
    response = Client().get(login_url())
    assert response.status_code == 200
    assert b"Sign in to continue to App." in response.content
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert_cas_headers(response)
    assert not ServiceTicket.objects.exists()


def test_credentials_posted_to_login_issue_a_primary_ticket_with_a_303(app_service: Any, alice: Any) -> None:
    client = Client()
    response = client.post(login_url(), CREDENTIALS)
    assert response.status_code == 303
    assert_cas_headers(response)
    location = response["Location"]
    assert location.startswith(APP + "&ticket=ST-")  # the service's own query is kept as it was
    ticket = ticket_in(location)
    assert re.fullmatch(r"ST-[A-Za-z0-9]{29}", ticket) and len(ticket) == 32
    row = ServiceTicket.objects.get(ticket=ticket)
    assert row.primary and row.service == APP and row.user == alice
    assert row.session_sid == UserSession.objects.get(user=alice, ended_at__isnull=True).sid


def test_wrong_password_shows_the_form_again_and_issues_nothing(app_service: Any, alice: Any) -> None:
    response = Client().post(login_url(), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert not ServiceTicket.objects.exists()


def test_an_existing_session_gets_a_ticket_without_a_prompt(app_service: Any, browser: Client) -> None:
    ticket = get_ticket(browser)
    row = ServiceTicket.objects.get(ticket=ticket)
    assert not row.primary  # from single sign-on, not from a new login
    assert row.auth_time == UserSession.objects.get(sid=row.session_sid).auth_time


def test_single_sign_on_costs_three_queries(app_service: Any, browser: Client, django_assert_num_queries: Any) -> None:
    get_ticket(browser)  # the registry is cached per process
    with django_assert_num_queries(3):  # session, its live index row, the new ticket (the user is cached)
        get_ticket(browser)


def test_tickets_are_unique_and_random(app_service: Any, browser: Client) -> None:
    tickets = {get_ticket(browser) for _ in range(20)}
    assert len(tickets) == 20


def test_a_service_fragment_stays_after_the_ticket(service_factory: Any, browser: Client) -> None:
    service_factory(pattern="https://app.example.com/")
    response = browser.get(login_url("https://app.example.com/page#section"))
    assert re.fullmatch(r"https://app\.example\.com/page\?ticket=ST-[A-Za-z0-9]{29}#section", response["Location"])


@pytest.mark.parametrize(
    "service",
    [
        "https://evil.example.net/",
        "https://app.example.com.evil.net/",
        "https://app.example.com@evil.net/",
        "http://app.example.com/",  # another scheme
        "https://app.example.com:8443/",  # another port
        "javascript:alert(1)",
        "//evil.example.net/",
        "https://app.example.com\\@evil.net/",
    ],
)
def test_an_unregistered_service_gets_a_clear_page_no_ticket_and_no_redirect(
    app_service: Any, browser: Client, service: str
) -> None:
    for extra in ({}, {"gateway": "true"}, {"warn": "true"}, {"renew": "true"}):
        response = browser.get(login_url(service, **extra))
        assert response.status_code == 403
        assert b"Unknown application" in response.content
        assert "Location" not in response
    assert not ServiceTicket.objects.exists()


def test_the_registry_is_closed_by_default(browser: Client) -> None:
    response = browser.get(login_url())
    assert response.status_code == 403 and not ServiceTicket.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "service=https%3A%2F%2Fapp.example.com%2F&service=https%3A%2F%2Fapp.example.com%2Fx",
        "service=https%3A%2F%2Fapp.example.com%2F" + "a" * 2100,
        "service=https%3A%2F%2Fapp.example.com%2F&method=HEADER",
        "service=https%3A%2F%2Fapp.example.com%2F&method=PUT",
    ],
)
def test_bad_login_parameters_get_a_400_page(app_service: Any, browser: Client, query: str) -> None:
    response = browser.get("/cas/login?" + query)
    assert response.status_code == 400
    assert b"This sign-in link is not valid" in response.content


def test_gateway_without_a_session_returns_to_the_service_without_a_ticket(app_service: Any) -> None:
    response = Client().get(login_url(gateway="true"))
    assert response.status_code == 303
    assert response["Location"] == APP
    assert not ServiceTicket.objects.exists()


def test_gateway_with_a_session_issues_a_ticket_silently(app_service: Any, browser: Client) -> None:
    assert ServiceTicket.objects.filter(ticket=get_ticket(browser, gateway="true")).exists()


def test_gateway_without_service_asks_for_credentials(app_service: Any) -> None:
    response = Client().get("/cas/login?gateway=true")
    assert response.status_code == 200 and b'name="password"' in response.content


def test_renew_asks_for_the_password_despite_the_session_and_beats_gateway(app_service: Any, browser: Client) -> None:
    for params in ({"renew": "true"}, {"renew": "true", "gateway": "true"}):
        response = browser.get(login_url(**params))
        assert response.status_code == 200
        assert b"Please enter your password again." in response.content
    assert not ServiceTicket.objects.exists()
    sid = UserSession.objects.get(ended_at__isnull=True).sid
    response = browser.post(login_url(renew="true"), CREDENTIALS)
    row = ServiceTicket.objects.get(ticket=ticket_in(response["Location"]))
    assert row.primary
    assert row.session_sid == sid  # the same single sign-on session, with a fresh password time


def test_renew_false_is_not_renew(app_service: Any, browser: Client) -> None:
    assert get_ticket(browser, renew="false")


def test_warn_asks_before_single_sign_on_and_continues_on_a_csrf_checked_post(
    app_service: Any, browser: Client
) -> None:
    url = login_url(warn="true")
    page = browser.get(url)
    assert page.status_code == 200 and b"Continue to App?" in page.content and b"app.example.com" in page.content
    assert not ServiceTicket.objects.exists()
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = browser.cookies
    assert strict.post(url, {"confirm": "1"}).status_code == 403  # no CSRF token: refused
    token = strict.get(url).context["csrf_token"]
    response = strict.post(url, {"confirm": "1", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 303
    assert not ServiceTicket.objects.get(ticket=ticket_in(response["Location"])).primary


def test_warn_after_typing_the_password_is_not_transparent_anyway(app_service: Any, alice: Any) -> None:
    response = Client().post(login_url(warn="true"), CREDENTIALS)
    assert response.status_code == 303


def test_confirm_without_a_session_shows_the_form(app_service: Any, alice: Any) -> None:
    response = Client().post(login_url(warn="true"), {"confirm": "1"})
    assert response.status_code == 200 and b'name="password"' in response.content
    assert not ServiceTicket.objects.exists()


def test_method_post_sends_the_ticket_in_an_auto_submitted_form(app_service: Any, browser: Client) -> None:
    response = browser.get(login_url(method="POST"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'action="{APP.replace("&", "&amp;")}"' in body or f'action="{APP}"' in body
    ticket = re.search(r'name="ticket" value="(ST-[A-Za-z0-9]{29})"', body).group(1)
    assert ServiceTicket.objects.filter(ticket=ticket).exists()
    form = body[body.index('id="cas-post-redirect"') : body.index("</form>", body.index('id="cas-post-redirect"'))]
    assert "csrfmiddlewaretoken" not in form  # our CSRF token never goes to another site
    assert_cas_headers(response)


def test_method_get_is_the_default_redirect(app_service: Any, browser: Client) -> None:
    assert get_ticket(browser, method="GET")


def test_service_may_also_come_in_the_form_body(app_service: Any, alice: Any) -> None:
    response = Client().post("/cas/login", {**CREDENTIALS, "service": APP})
    assert response.status_code == 303 and response["Location"].startswith(APP)


def test_no_service_with_a_session_says_signed_in(browser: Client) -> None:
    response = browser.get("/cas/login")
    assert response.status_code == 200 and b"You are signed in" in response.content


def test_no_service_without_a_session_signs_in_then_says_so(alice: Any) -> None:
    client = Client()
    assert b'name="password"' in client.get("/cas/login").content
    response = client.post("/cas/login", CREDENTIALS)
    assert response.status_code == 200 and b"You are signed in" in response.content
    assert UserSession.objects.filter(user=alice, ended_at__isnull=True).count() == 1


def test_a_basic_authorization_header_is_not_a_single_sign_on_session(app_service: Any, alice: Any) -> None:
    import base64

    header = "Basic " + base64.b64encode(b"alice:alice-pass").decode()
    response = Client().get(login_url(), HTTP_AUTHORIZATION=header)
    # identity's pages take only a browser session: refused before any password check
    assert response.status_code == 403 and response.json()["error"] == "credential_not_accepted"
    assert not ServiceTicket.objects.exists()


def test_another_user_signing_in_ends_the_previous_users_session(app_service: Any, browser: Client, bob: Any) -> None:
    first = UserSession.objects.get(ended_at__isnull=True)
    response = browser.post(login_url(renew="true"), {"username": "bob", "password": "bob-pass"})
    assert ServiceTicket.objects.get(ticket=ticket_in(response["Location"])).user == bob
    first.refresh_from_db()
    assert first.end_reason == "replaced"


# --- /cas/logout ------------------------------------------------------------------------------


def test_logout_ends_the_sso_session_and_follows_a_registered_service(app_service: Any, browser: Client) -> None:
    row = UserSession.objects.get(ended_at__isnull=True)
    response = browser.get("/cas/logout?" + urlencode({"service": "https://app.example.com/bye"}))
    assert response.status_code == 303 and response["Location"] == "https://app.example.com/bye"
    assert_cas_headers(response)
    row.refresh_from_db()
    assert row.ended_at is not None and row.end_reason == "logout"
    assert browser.get(login_url()).status_code == 200  # asks for credentials again


@pytest.mark.parametrize(
    "query",
    [
        {"service": "https://evil.example.net/"},
        {"url": "https://app.example.com/"},  # CAS 2.0's url: ignored (§2.3.1)
        {"service": "javascript:alert(1)"},
        {},
    ],
)
def test_logout_never_redirects_elsewhere(app_service: Any, browser: Client, query: dict[str, str]) -> None:
    response = browser.get("/cas/logout?" + urlencode(query))
    assert response.status_code == 200
    assert b"You are signed out" in response.content
    assert not UserSession.objects.filter(ended_at__isnull=True).exists()


def test_logout_with_a_repeated_service_shows_the_page(app_service: Any, browser: Client) -> None:
    response = browser.get(
        "/cas/logout?service=https%3A%2F%2Fapp.example.com%2F&service=https%3A%2F%2Fapp.example.com%2F"
    )
    assert response.status_code == 200


def test_logout_when_not_signed_in_is_harmless(app_service: Any) -> None:
    assert Client().get("/cas/logout").status_code == 200
