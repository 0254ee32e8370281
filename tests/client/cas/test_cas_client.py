"""The CAS client side against a live CAS server over real HTTP. One live server plays both
sites (they share the test database); the two browsers are separate cookie jars, as a real
browser keeps for two host names, so the provider's session and the client's session are two
different sessions, as in the demo."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client, override_settings

from identity.cas.models import CasService
from identity.client.cas.models import CasClientLogin
from identity.outbox.services import deliver_due
from identity.sessions.models import UserSession

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.client.urls")]


@pytest.fixture
def cas_client_site(live_server: Any) -> Iterator[dict[str, str]]:
    callback = live_server.url + "/accounts/cas/callback/"
    CasService.objects.create(
        name="Client site",
        pattern=live_server.url + "/",
        match_type="prefix",
        released_attributes="email first_name last_name",
    )
    identity = {
        "CLIENT_PROTOCOL": "cas",
        "CLIENT_FLOWS": {"cas": "identity.client.cas.flow.CasSignInFlow"},
        "CLIENT_CAS_SERVER_URL": live_server.url + "/cas/",
        "CLIENT_CAS_SERVICE_URL": callback,
        "OUTBOX_DELIVER_ON_COMMIT": False,  # the test delivers, as the worker would
    }
    with override_settings(IDENTITY=identity):
        yield {"server": live_server.url, "callback": callback}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def service_of(login: str) -> str:
    """The service URL a redirect to the server's login carries."""
    return parse_qs(urlsplit(login).query)["service"][0]


def start_sign_in(rp: Client, next_url: str = "/plain/whoami/") -> tuple[str, str]:
    """Start a sign-in; return the redirect to the server's login and the state it carries."""
    start = rp.get("/accounts/login/?" + urlencode({"next": next_url}))
    assert start.status_code == 302
    state = parse_qs(urlsplit(service_of(start["Location"])).query)["state"][0]
    return start["Location"], state


def sign_in_through_cas(site: dict[str, str], rp: Client, idp: Client, next_url: str = "/plain/whoami/") -> Any:
    login, state = start_sign_in(rp, next_url)
    service = site["callback"] + "?" + urlencode({"state": state})
    assert login == site["server"] + "/cas/login?" + urlencode({"service": service})
    page = idp.get(path_of(login))
    if page.status_code == 200:
        page = idp.post(path_of(login), {"username": "alice", "password": "alice-pass"})
    assert page.status_code == 303
    assert page["Location"].startswith(service + "&ticket=ST-")
    return rp.get(path_of(page["Location"]))


def test_sign_in_validates_on_p3_and_maps_attributes(cas_client_site: Any, alice: Any) -> None:
    alice.first_name = "Alicia"
    alice.save()
    rp, idp = Client(), Client()
    done = sign_in_through_cas(cas_client_site, rp, idp)
    assert done.status_code == 302 and done["Location"] == "/plain/whoami/"
    assert rp.get("/plain/whoami/").json() == {"user": "alice", "method": "session"}
    rp_sid = rp.session["_identity_sid"]
    assert CasClientLogin.objects.get().session_sid == rp_sid
    assert rp_sid != idp.session["_identity_sid"]  # two sessions, one per site


def test_a_second_sign_in_is_single_sign_on(cas_client_site: Any, alice: Any) -> None:
    idp = Client()
    sign_in_through_cas(cas_client_site, Client(), idp)
    second = Client()
    start = second.get("/accounts/login/")
    back = idp.get(path_of(start["Location"]))  # no password: the provider's session answers
    assert back.status_code == 303
    assert second.get(path_of(back["Location"])).status_code == 302
    assert second.get("/plain/whoami/").json()["user"] == "alice"


def test_single_logout_from_the_server_ends_the_local_session(cas_client_site: Any, alice: Any) -> None:
    rp, idp = Client(), Client()
    sign_in_through_cas(cas_client_site, rp, idp)
    rp_sid = rp.session["_identity_sid"]
    idp.get("/cas/logout")  # sign out at the provider
    assert deliver_due() == (1, 0)  # the logoutRequest POST to the callback, over HTTP
    local = UserSession.objects.get(sid=rp_sid)
    assert local.ended_at is not None and local.end_reason == "remote_logout"
    assert rp.get("/plain/whoami/").json()["user"] is None
    assert not CasClientLogin.objects.exists()


def test_signing_out_locally_sends_the_browser_to_the_servers_logout(cas_client_site: Any, alice: Any) -> None:
    rp, idp = Client(), Client()
    sign_in_through_cas(cas_client_site, rp, idp)
    response = rp.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == cas_client_site["server"] + "/cas/logout?" + urlencode(
        {"service": "http://testserver/"}
    )
    assert rp.get("/plain/whoami/").json()["user"] is None
    assert not CasClientLogin.objects.exists()


def test_a_ticket_this_browser_did_not_ask_for_is_not_used(cas_client_site: Any, alice: Any) -> None:
    """Login CSRF: an attacker's own ticket in a link must not sign the victim in as the attacker."""
    attacker_idp = Client()
    start = Client().get("/accounts/login/")
    ticket_url = attacker_idp.post(path_of(start["Location"]), {"username": "alice", "password": "alice-pass"})
    victim = Client()
    response = victim.get(path_of(ticket_url["Location"]))
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"  # starts its own sign-in
    assert victim.get("/plain/whoami/").json()["user"] is None


def test_an_attackers_ticket_does_not_finish_the_victims_pending_sign_in(
    cas_client_site: Any, alice: Any, bob: Any
) -> None:
    """Login CSRF with a sign-in pending (issue 9): the victim started a sign-in and has not
    finished it; the attacker signs in as himself, keeps the redirect back with his ticket and
    makes the victim's browser load it. She must not end up signed in as him."""
    attacker_rp, attacker_idp = Client(), Client()
    start = attacker_rp.get("/accounts/login/")
    back = attacker_idp.post(path_of(start["Location"]), {"username": "bob", "password": "bob-pass"})
    assert back.status_code == 303
    ticket_url = back["Location"]
    victim = Client()
    assert victim.get("/accounts/login/").status_code == 302  # her own sign-in is pending
    response = victim.get(path_of(ticket_url))
    assert victim.get("/plain/whoami/").json()["user"] is None
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"  # starts her own
    # The same ticket with its state taken out fares no better.
    ticket = parse_qs(urlsplit(ticket_url).query)["ticket"][0]
    victim.get(path_of(cas_client_site["callback"] + "?" + urlencode({"ticket": ticket})))
    assert victim.get("/plain/whoami/").json()["user"] is None
    assert not CasClientLogin.objects.exists()


def test_a_ticket_for_another_pending_sign_in_fails_validation(cas_client_site: Any, alice: Any) -> None:
    """Two sign-ins started in one browser: each state has its own service URL, so a ticket
    issued for the first cannot finish the second (the server compares the service exactly)."""
    rp, idp = Client(), Client()
    first = rp.get("/accounts/login/")["Location"]
    second = rp.get("/accounts/login/")["Location"]
    first_service = parse_qs(urlsplit(first).query)["service"][0]
    second_service = parse_qs(urlsplit(second).query)["service"][0]
    assert first_service != second_service
    back = idp.post(path_of(first), {"username": "alice", "password": "alice-pass"})
    ticket = parse_qs(urlsplit(back["Location"]).query)["ticket"][0]
    swapped = second_service + "&" + urlencode({"ticket": ticket})
    response = rp.get(path_of(swapped))
    assert response.status_code == 403 and b"Sign-in failed" in response.content
    assert rp.get("/plain/whoami/").json()["user"] is None
    assert rp.get(path_of(swapped)).status_code == 302  # its state was used up: single use


def test_a_bad_ticket_shows_a_clear_page(cas_client_site: Any, alice: Any) -> None:
    rp = Client()
    _, state = start_sign_in(rp)
    response = rp.get("/accounts/cas/callback/?" + urlencode({"state": state, "ticket": "ST-notarealticket"}))
    assert response.status_code == 403
    assert b"Sign-in failed" in response.content and b"INVALID_TICKET" not in response.content
    assert b"was not recognized" in response.content
    _, state = start_sign_in(rp)
    assert rp.get("/accounts/cas/callback/?" + urlencode({"state": state, "ticket": "<script>"})).status_code == 403
    _, state = start_sign_in(rp)
    assert rp.get("/accounts/cas/callback/?" + urlencode({"state": state})).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"state": ""},
        {"state": "not-one-of-ours"},
        {"state": "s" * 10000},
        "twice",
    ],
)
def test_a_callback_without_a_state_this_browser_holds_starts_a_new_sign_in(
    cas_client_site: Any, alice: Any, query: Any
) -> None:
    rp = Client()
    _, state = start_sign_in(rp)
    pairs = [("state", state), ("state", state)] if query == "twice" else list(query.items())
    response = rp.get("/accounts/cas/callback/?" + urlencode([*pairs, ("ticket", "ST-abcdefghijklmnopqrstuvwxyz")]))
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    # Her own pending sign-in is still there: a stranger's link does not cancel it.
    assert state in rp.session["_identity_cas_pending"]


def test_pending_sign_ins_are_few_and_short_lived(cas_client_site: Any, alice: Any) -> None:
    from identity.client.cas import flow

    rp = Client()
    states = [start_sign_in(rp)[1] for _ in range(flow.MAX_PENDING + 2)]
    assert list(rp.session[flow.PENDING_KEY]) == states[2:]  # the oldest are dropped
    session = rp.session
    pending = session[flow.PENDING_KEY]
    pending[states[-1]]["created"] -= flow.PENDING_TTL + 1
    session[flow.PENDING_KEY] = pending
    session.save()
    expired = rp.get("/accounts/cas/callback/?" + urlencode({"state": states[-1], "ticket": "ST-abcdefghijklmnop"}))
    assert expired.status_code == 302 and expired["Location"] == "/accounts/login/"


def test_an_unreachable_server_shows_a_clear_page(cas_client_site: Any, alice: Any) -> None:
    from tests.e2e.servers import free_port

    rp = Client()
    _, state = start_sign_in(rp)
    with override_settings(
        IDENTITY={
            "CLIENT_PROTOCOL": "cas",
            "CLIENT_FLOWS": {"cas": "identity.client.cas.flow.CasSignInFlow"},
            "CLIENT_CAS_SERVER_URL": f"http://127.0.0.1:{free_port()}/cas/",
        }
    ):
        response = rp.get(
            "/accounts/cas/callback/?" + urlencode({"state": state, "ticket": "ST-abcdefghijklmnopqrstuvwxyz012"})
        )
    assert response.status_code == 403 and b"could not be reached" in response.content


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"logoutRequest": "not xml"},
        {"logoutRequest": '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'},
        {"logoutRequest": "<samlp:LogoutRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'/>"},
    ],
)
def test_malformed_logout_requests_are_refused(cas_client_site: Any, body: dict[str, str]) -> None:
    assert Client().post("/accounts/cas/callback/", body).status_code == 400


def test_a_logout_request_for_an_unknown_ticket_is_acknowledged(cas_client_site: Any) -> None:
    document = (
        "<samlp:LogoutRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol' ID='_1' Version='2.0'>"
        "<samlp:SessionIndex>ST-unknown</samlp:SessionIndex></samlp:LogoutRequest>"
    )
    response = Client().post("/accounts/cas/callback/", {"logoutRequest": document})
    assert response.status_code == 200


def test_the_flow_keeps_the_next_page_local(cas_client_site: Any, alice: Any) -> None:
    rp, idp = Client(), Client()
    done = sign_in_through_cas(cas_client_site, rp, idp, next_url="https://evil.example.net/")
    assert done["Location"] == "/"


def test_service_url_is_built_from_the_request_when_not_set(cas_client_site: Any) -> None:
    with override_settings(
        IDENTITY={
            "CLIENT_PROTOCOL": "cas",
            "CLIENT_FLOWS": {"cas": "identity.client.cas.flow.CasSignInFlow"},
            "CLIENT_CAS_SERVER_URL": "https://sso.example.com/cas/",
        }
    ):
        location = Client().get("/accounts/login/", HTTP_HOST="reports.example.com")["Location"]
    assert list(parse_qs(urlsplit(location).query)) == ["service"]
    assert service_of(location).startswith("http://reports.example.com/accounts/cas/callback/?state=")
    assert location.startswith("https://sso.example.com/cas/login?")


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("https://reports.example.com/accounts/cas/callback/", "https://reports.example.com/accounts/cas/callback/?"),
        ("https://reports.example.com/cas/?tenant=a", "https://reports.example.com/cas/?tenant=a&"),
        ("https://reports.example.com/cas/?", "https://reports.example.com/cas/?"),
    ],
)
def test_a_configured_service_url_gets_the_state_appended(cas_client_site: Any, configured: str, expected: str) -> None:
    with override_settings(
        IDENTITY={
            "CLIENT_PROTOCOL": "cas",
            "CLIENT_FLOWS": {"cas": "identity.client.cas.flow.CasSignInFlow"},
            "CLIENT_CAS_SERVER_URL": "https://sso.example.com/cas/",
            "CLIENT_CAS_SERVICE_URL": configured,
        }
    ):
        service = service_of(Client().get("/accounts/login/")["Location"])
    assert service.startswith(expected + "state=") and len(service) == len(expected) + len("state=") + 22


def test_signing_in_as_another_user_replaces_the_local_session(cas_client_site: Any, alice: Any, bob: Any) -> None:
    """The callback ends the previous user's session with the reason REPLACED, exactly once."""
    from identity.sessions.models import EndReason
    from identity.signals import session_ended

    rp, idp = Client(), Client()
    rp.force_login(bob)  # bob signed in on this browser, then alice signs in through CAS
    bob_sid = rp.session["_identity_sid"]
    ended: list[tuple[str, str]] = []

    def record(session: Any, reason: str, **kwargs: Any) -> None:
        ended.append((session.sid, reason))

    session_ended.connect(record, weak=False)
    try:
        assert sign_in_through_cas(cas_client_site, rp, idp).status_code == 302
    finally:
        session_ended.disconnect(record)
    assert ended == [(bob_sid, EndReason.REPLACED)]
    assert UserSession.objects.get(sid=bob_sid).end_reason == EndReason.REPLACED
    assert rp.get("/plain/whoami/").json()["user"] == "alice"
