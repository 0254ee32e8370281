from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from identity.sessions.models import EndReason, UserSession
from identity.signals import session_ended
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_security_page_lists_live_sessions_and_marks_this_one(alice):
    laptop, phone = Client(), Client()
    sign_in(laptop, HTTP_USER_AGENT="Mozilla/5.0 (Macintosh; Mac OS X 14) Safari/605.1")
    sign_in(phone, HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/129.0 Mobile")
    page = laptop.get("/accounts/security/").content.decode()
    assert "Safari on macOS" in page and "Chrome on Android" in page
    assert page.count("this browser") == 1


def test_security_page_needs_sign_in():
    response = Client().get("/accounts/security/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_ending_another_session_from_the_security_page(alice):
    laptop, phone = Client(), Client()
    sign_in(laptop)
    sign_in(phone)
    phone_sid = phone.session["_identity_sid"]
    response = laptop.post(f"/accounts/security/sessions/{phone_sid}/end/")
    assert response.status_code == 302
    assert phone.get("/api/whoami/").status_code == 401
    assert laptop.get("/api/whoami/").status_code == 200
    assert UserSession.objects.get(sid=phone_sid).end_reason == EndReason.ENDED_BY_USER


def test_a_user_cannot_end_someone_elses_session(alice, bob):
    a, b = Client(), Client()
    sign_in(a)
    sign_in(b, "bob", "bob-pass")
    response = a.post(f"/accounts/security/sessions/{b.session['_identity_sid']}/end/")
    assert response.status_code == 404
    assert b.get("/api/whoami/").status_code == 200


def test_ending_a_session_needs_post_and_csrf(alice):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    client.post("/accounts/login/", {"username": "alice", "password": "alice-pass", "csrfmiddlewaretoken": token})
    sid = client.session["_identity_sid"]
    assert client.get(f"/accounts/security/sessions/{sid}/end/").status_code == 405
    assert client.post("/accounts/security/sign-out-everywhere/").status_code == 403
    assert UserSession.objects.get(sid=sid).is_live


def test_sign_out_everywhere_ends_every_session_once(alice, bob):
    clients = [Client() for _ in range(3)]
    for client in clients:
        sign_in(client)
    other = Client()
    sign_in(other, "bob", "bob-pass")
    ended = []
    session_ended.connect(receiver := lambda session, reason, **kw: ended.append((session.sid, reason)), weak=False)
    try:
        response = clients[0].post("/accounts/security/sign-out-everywhere/")
    finally:
        session_ended.disconnect(receiver)
    assert response.status_code == 302
    assert len(ended) == 3 and len({sid for sid, _ in ended}) == 3
    assert {reason for _, reason in ended} == {EndReason.EVERYWHERE}
    for client in clients:
        assert client.get("/api/whoami/").status_code == 401
    assert other.get("/api/whoami/").status_code == 200
