from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.test import Client, override_settings

from identity.sessions.models import EndReason, UserSession
from identity.sessions.services import SID_KEY
from identity.signals import session_ended
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def store(key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


def test_login_rotates_the_session_key(alice):
    client = Client()
    session = client.session  # an anonymous session, as a visitor has before signing in
    session["cart"] = "kept"
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    sign_in(client)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before
    assert not store(before).exists(before)
    assert client.session["cart"] == "kept"


def test_login_indexes_the_session_with_a_public_sid(alice):
    client = Client()
    sign_in(client, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0", REMOTE_ADDR="198.51.100.7")
    row = UserSession.objects.get(user=alice)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert row.sid and row.sid != key and key not in row.sealed_session_key
    assert row.device == "Firefox on Linux"
    assert row.ip == "198.51.100.7"
    assert row.auth_time is not None and row.is_live
    assert client.session[SID_KEY] == row.sid


def test_logout_deletes_the_server_side_session_and_the_old_cookie_stops_working(alice):
    client = Client()
    sign_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/api/whoami/").json()["user"] == "alice"
    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert not store(key).exists(key)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get("/api/whoami/").status_code == 401
    row = UserSession.objects.get(user=alice)
    assert row.end_reason == EndReason.LOGOUT and not row.is_live


def test_logout_requires_post(signed_in):
    assert signed_in.get("/accounts/logout/").status_code == 405
    assert signed_in.get("/api/whoami/").json()["user"] == "alice"


def test_login_form_is_csrf_protected(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": "alice-pass"})
    assert response.status_code == 403
    client.get("/accounts/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "alice-pass", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_wrong_password_shows_the_form_again(alice):
    response = Client().post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert not UserSession.objects.exists()


def test_another_user_signing_in_on_the_same_browser_ends_the_first_session(alice, bob):
    events = []
    session_ended.connect(receiver := lambda **kw: events.append(kw["reason"]), weak=False)
    try:
        client = Client()
        sign_in(client)
        sign_in(client, "bob", "bob-pass")
    finally:
        session_ended.disconnect(receiver)
    assert events == [EndReason.REPLACED]
    assert UserSession.objects.get(user=alice).end_reason == EndReason.REPLACED
    assert UserSession.objects.get(user=bob).is_live


def test_signing_in_again_as_the_same_user_keeps_the_sid_and_refreshes_auth_time(alice):
    client = Client()
    sign_in(client)
    first = UserSession.objects.get(user=alice)
    sign_in(client)
    rows = list(UserSession.objects.filter(user=alice))
    assert len(rows) == 1 and rows[0].sid == first.sid and rows[0].auth_time >= first.auth_time
    assert rows[0].sealed_session_key != first.sealed_session_key  # the new key is sealed


@override_settings(DEBUG=False)
def test_session_cookie_flags_are_safe_by_default(alice):
    client = Client()
    response = sign_in(client)
    morsel = response.cookies[settings.SESSION_COOKIE_NAME]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["secure"] is True  # DEBUG off: Secure even though SESSION_COOKIE_SECURE is unset
    csrf = client.get("/accounts/login/").cookies.get(settings.CSRF_COOKIE_NAME)
    if csrf is not None:
        assert csrf["secure"] is True


@override_settings(DEBUG=True)
def test_cookies_are_not_secure_in_development(alice):
    morsel = sign_in(Client()).cookies[settings.SESSION_COOKIE_NAME]
    assert not morsel["secure"]
    assert morsel["httponly"] is True


@override_settings(DEBUG=True, IDENTITY={"SECURE_COOKIES": True})
def test_secure_cookies_can_be_forced(alice):
    assert sign_in(Client()).cookies[settings.SESSION_COOKIE_NAME]["secure"] is True
