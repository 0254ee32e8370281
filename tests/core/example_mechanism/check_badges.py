"""Run by ``tests/core/test_mechanisms.py`` in a fresh process with ``settings.py`` beside it: the
badge mechanism, enabled by one settings line, is wired everywhere its manifest says."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.management import call_command
from django.urls import reverse

from identity.sessions.models import UserSession
from tests.core.example_mechanism import receivers
from tests.core.example_mechanism.authenticator import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann():
    return get_user_model().objects.create_user("ann", password="pw-ann-123")


def test_its_authenticator_signs_requests_in(client, ann):
    response = client.get("/badges/whoami/", HTTP_AUTHORIZATION=f"Badge {issue('ann')}")
    assert response.status_code == 200
    assert response.json() == {"user": "ann", "mechanism": "badge"}


def test_a_bad_badge_is_refused_with_its_challenge(client, ann):
    response = client.get("/badges/whoami/", HTTP_AUTHORIZATION="Badge forged")
    assert response.status_code == 401
    assert 'Badge realm="tests"' in response["WWW-Authenticate"]


def test_its_section_is_on_the_security_page(client, ann):
    client.force_login(ann)
    page = client.get(reverse("identity:security")).content.decode()
    assert '<section id="badges"><h2>Badges</h2><p>1 badge for ann</p></section>' in page


def test_its_cleanup_task_runs(capsys):
    call_command("identity_clearexpired")
    out = capsys.readouterr().out
    assert "badges: starting" in out and "looking for expired badges" in out
    assert "expired badges deleted: 0" in out


def test_its_check_is_registered():
    assert "tests.I001" in {message.id for message in run_checks()}


def test_its_receiver_hears_sign_outs(client, ann):
    assert client.login(username="ann", password="pw-ann-123")
    sid = UserSession.objects.get(user=ann).sid
    client.post(reverse("identity:logout"))
    assert sid in receivers.ENDED


def test_the_built_in_mechanisms_are_still_there(client, ann):
    """Beside the badge: a password sign-in, a JWT from the API, and that JWT on the badge's view."""
    obtained = client.post(reverse("identity:jwt-obtain"), {"username": "ann", "password": "pw-ann-123"})
    assert obtained.status_code == 200, obtained.content
    response = client.get("/badges/whoami/", HTTP_AUTHORIZATION=f"Bearer {obtained.json()['access']}")
    assert response.json() == {"user": "ann", "mechanism": "jwt"}
