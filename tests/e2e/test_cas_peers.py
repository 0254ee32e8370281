"""identity's CAS server against independent CAS clients over real HTTP: python-cas (versions
1, 2, 3 and SAML, plus its proxy calls) and django-cas-ng in its own live Django site
(CAS_VERSION 3, 2 and CAS_2_SAML_1_0): sign-in, attributes, single logout both ways."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from cas import CASClient

from tests.e2e.cas_helpers import register_service, sign_out, signed_in_on_site_a, submit_sign_in, wait_until
from tests.e2e.casng_site.server import CasNgSite, casng_site

pytestmark = pytest.mark.e2e


def ticket_for(site_a: Any, service: str, session: requests.Session | None = None) -> str:
    """Sign in at site A's /cas/login for ``service`` and take the ticket from the redirect."""
    session = session or requests.Session()
    page = session.get(site_a.url + "/cas/login?" + urlencode({"service": service}), allow_redirects=False)
    if page.status_code == 200:
        page = submit_sign_in(session, page, allow_redirects=False)
    assert page.status_code == 303, page.text[:500]
    return parse_qs(urlsplit(page.headers["Location"]).query)["ticket"][0]


# --- python-cas -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2, 3, "CAS_2_SAML_1_0"])
def test_python_cas_validates_tickets(demo_sites: Any, version: Any) -> None:
    site_a, site_b = demo_sites
    service = f"{site_b.url}/python-cas/?version={version}"  # under site B's registered prefix
    client = CASClient(version=version, server_url=site_a.url + "/cas/", service_url=service)
    ticket = ticket_for(site_a, service)
    user, attributes, pgtiou = client.verify_ticket(ticket)
    assert user == "alice" and pgtiou is None
    if version == 3:
        assert attributes["email"] == "alice@example.com" and attributes["last_name"] == "Liddell"
        assert attributes["isFromNewLogin"] == "true"
        assert attributes["longTermAuthenticationRequestTokenUsed"] == "false"
    elif version == "CAS_2_SAML_1_0":
        assert attributes == {}  # http target: no attributes over plain http (§4.2.1)
    else:
        assert not attributes
    assert client.verify_ticket(ticket)[0] is None  # one validation attempt per ticket
    assert (
        CASClient(version=version, server_url=site_a.url + "/cas/", service_url=service + "&x").verify_ticket(
            ticket_for(site_a, service)
        )[0]
        is None
    )  # another service: refused


def test_python_cas_proxy_flow(demo_sites: Any, receiver: Any) -> None:
    site_a, site_b = demo_sites
    register_service(site_a, "python-cas proxy", receiver.url + "/", proxy_allowed=True, slo_enabled=False)
    service = receiver.url + "/app/"
    proxy = CASClient(
        version=2, server_url=site_a.url + "/cas/", service_url=service, proxy_callback=receiver.url + "/pgt"
    )
    user, _, pgtiou = proxy.verify_ticket(ticket_for(site_a, service))
    assert user == "alice" and pgtiou.startswith("PGTIOU-")
    callback = parse_qs(urlsplit(receiver.received[-1].path).query)
    assert callback["pgtIou"] == [pgtiou]
    backend = f"{site_b.url}/backend/"
    pt = CASClient(version=3, server_url=site_a.url + "/cas/", service_url=backend).get_proxy_ticket(
        callback["pgtId"][0]
    )
    assert pt.startswith("PT-")
    answer = requests.get(site_a.url + "/cas/p3/proxyValidate", params={"ticket": pt, "service": backend}, timeout=10)
    assert "<cas:user>alice</cas:user>" in answer.text and f"<cas:proxy>{receiver.url}/pgt</cas:proxy>" in answer.text


# --- django-cas-ng ------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["3", "2", "CAS_2_SAML_1_0"])
def casng(request: Any, demo_sites: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CasNgSite]:
    site_a, _ = demo_sites
    site = casng_site(tmp_path_factory.mktemp("casng"), site_a.url + "/cas/", request.param)
    register_service(
        site_a,
        f"django-cas-ng {request.param}",
        site.url + "/",
        released_attributes="email first_name last_name",
        slo_url=site.url + "/accounts/callback/",  # its CallbackView answers a logoutRequest with 200
    )
    site.start()
    try:
        yield site
    finally:
        site.stop()


def casng_user(session: requests.Session, site: CasNgSite) -> dict[str, Any]:
    return session.get(site.url + "/whoami/", timeout=10).json()


def sign_in_on_casng(site_a: Any, site: CasNgSite) -> requests.Session:
    session = requests.Session()
    form = session.get(site.url + "/accounts/login/?next=/whoami/")
    assert form.url.startswith(site_a.url + "/cas/login?service=")
    landed = submit_sign_in(session, form)
    assert landed.url == site.url + "/whoami/", landed.text[:500]
    return session


def test_django_cas_ng_signs_in(demo_sites: Any, casng: CasNgSite) -> None:
    site_a, _ = demo_sites
    session = sign_in_on_casng(site_a, casng)
    me = casng_user(session, casng)
    assert me["user"] == "alice"
    if casng.version == "3":
        assert me["attributes"]["email"] == "alice@example.com"
        assert me["email"] == "alice@example.com"  # CAS_APPLY_ATTRIBUTES_TO_USER used them
    elif casng.version == "2":
        assert me["attributes"] is None  # CAS 2.0 serviceValidate sends no attributes
    # single sign-on: a second visit to the login page needs no password
    again = session.get(casng.url + "/accounts/login/?next=/whoami/")
    assert again.url == casng.url + "/whoami/"


def delivered_to(site_a: Any, url: str) -> int:
    return int(
        site_a.shell(
            "from identity.outbox.models import OutboxMessage; "
            f"print(OutboxMessage.objects.filter(kind='cas.slo', url={url!r}, status='delivered').count())"
        )
    )


def test_signing_out_on_site_a_signs_out_of_the_django_cas_ng_site(demo_sites: Any, casng: CasNgSite) -> None:
    site_a, _ = demo_sites
    session = sign_in_on_casng(site_a, casng)
    before = delivered_to(site_a, casng.url + "/accounts/callback/")
    sign_out(session, site_a.url)
    assert wait_until(lambda: delivered_to(site_a, casng.url + "/accounts/callback/") == before + 1)
    if casng.version == "2":
        # django-cas-ng reads logoutRequest only with CAS_VERSION 3 or CAS_2_SAML_1_0: its CAS 2
        # client acknowledges the POST and keeps its session (a limitation of that client).
        assert casng_user(session, casng)["user"] == "alice"
    else:
        assert wait_until(lambda: casng_user(session, casng)["user"] is None)


def test_signing_out_on_the_django_cas_ng_site_signs_out_of_site_a(demo_sites: Any, casng: CasNgSite) -> None:
    site_a, _ = demo_sites
    session = sign_in_on_casng(site_a, casng)
    assert signed_in_on_site_a(session, site_a)
    landed = session.get(casng.url + "/accounts/logout/")
    hops = [response.url for response in landed.history] + [landed.url]
    assert any(url.startswith(site_a.url + "/cas/logout?") for url in hops)
    assert not signed_in_on_site_a(session, site_a)
    assert casng_user(session, casng)["user"] is None
    if casng.version == "3":  # service=<registered URL>: site A sends the browser back
        assert landed.url == casng.url + "/whoami/"
    else:  # CAS 2.0's url= is ignored by a 3.0 server (§2.3.1): site A's signed-out page
        assert landed.url.startswith(site_a.url + "/cas/logout?url=") and "You are signed out" in landed.text
