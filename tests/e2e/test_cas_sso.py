"""Single sign-on and single logout between the two live demo sites over CAS: site B signs in
through site A; signing out on either site signs the browser out of both."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.e2e.cas_helpers import sign_out, signed_in_on_site_a, submit_sign_in, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_sites(cas_demo_sites: Any) -> Any:
    """These journeys need site B signing in by CAS (OpenID Connect is its default)."""
    return cas_demo_sites


def signed_in_on_site_b(session: requests.Session, site_b: Any) -> bool:
    return session.get(site_b.url + "/", allow_redirects=False).status_code == 200


def sign_in_on_site_b(site_a: Any, site_b: Any) -> requests.Session:
    session = requests.Session()
    form = session.get(site_b.url + "/")  # site B sends the anonymous visitor to site A
    assert form.url.startswith(site_a.url + "/cas/login?service=")
    assert "Sign in to continue to Reports (site B)." in form.text
    home = submit_sign_in(session, form)
    assert home.url == site_b.url + "/"
    assert 'data-testid="home-user">alice<' in home.text
    assert "Signed in through the Portal" in home.text
    return session


def test_site_b_signs_in_through_site_a_and_gets_alices_profile(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    session = sign_in_on_site_b(site_a, site_b)
    assert signed_in_on_site_a(session, site_a)  # the same sign-in made the SSO session on site A
    profile = site_b.shell(
        "from django.contrib.auth.models import User; u = User.objects.get(username='alice'); "
        "print(u.email, u.first_name, u.last_name, u.has_usable_password())"
    )
    assert profile == "alice@example.com Alice Liddell False"


def test_signed_in_on_site_a_first_site_b_needs_no_password(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    session = requests.Session()
    submit_sign_in(session, session.get(site_a.url + "/accounts/login/"))
    home = session.get(site_b.url + "/")
    assert home.url == site_b.url + "/" and 'data-testid="home-user">alice<' in home.text


def test_signing_out_on_site_a_signs_out_of_site_b(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    session = sign_in_on_site_b(site_a, site_b)
    sign_out(session, site_a.url)
    assert not signed_in_on_site_a(session, site_a)
    # Site A's single-logout POST reaches site B's callback right after the sign-out commits.
    assert wait_until(lambda: not signed_in_on_site_b(session, site_b))
    reason = site_b.shell(
        "from identity.sessions.models import UserSession; "
        "print(UserSession.objects.filter(ended_at__isnull=False).latest('ended_at').end_reason)"
    )
    assert reason == "remote_logout"


def test_signing_out_on_site_b_signs_out_of_site_a(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    session = sign_in_on_site_b(site_a, site_b)
    landed = sign_out(session, site_b.url)
    # Site B ends its session, sends the browser to site A's /cas/logout?service=<site B>, which
    # ends the SSO session and returns to site B, which asks site A for a sign-in again.
    assert landed.url.startswith(site_a.url + "/cas/login?service=")
    assert not signed_in_on_site_a(session, site_a)
    assert not signed_in_on_site_b(session, site_b)


def test_a_second_browser_is_not_signed_out(demo_sites: Any) -> None:
    site_a, site_b = demo_sites
    staying = sign_in_on_site_b(site_a, site_b)
    leaving = sign_in_on_site_b(site_a, site_b)
    sign_out(leaving, site_a.url)
    assert wait_until(lambda: not signed_in_on_site_b(leaving, site_b))
    assert signed_in_on_site_b(staying, site_b) and signed_in_on_site_a(staying, site_a)
