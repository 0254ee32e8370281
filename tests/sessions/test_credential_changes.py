from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings

from identity.sessions.models import EndReason, UserSession
from identity.signals import credentials_changed, session_ended
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    def __init__(self) -> None:
        self.ended: list[tuple[str, str]] = []
        self.changed: list[str] = []

    def __enter__(self) -> Recorder:
        session_ended.connect(self._ended, weak=False)
        credentials_changed.connect(self._changed, weak=False)
        return self

    def __exit__(self, *exc: Any) -> None:
        session_ended.disconnect(self._ended)
        credentials_changed.disconnect(self._changed)

    def _ended(self, session: Any, reason: str, **kw: Any) -> None:
        self.ended.append((session.sid, reason))

    def _changed(self, reason: str, **kw: Any) -> None:
        self.changed.append(reason)


def two_sessions() -> list[Client]:
    clients = [Client(), Client()]
    for client in clients:
        sign_in(client)
    return clients


def test_password_change_ends_every_session(alice: Any) -> None:
    clients = two_sessions()
    with Recorder() as rec:
        alice.set_password("a-new-password")
        alice.save()
    assert [r for _, r in rec.ended] == [EndReason.PASSWORD_CHANGED] * 2
    assert rec.changed == ["password_changed"]
    for client in clients:
        assert client.get("/api/whoami/").status_code == 401


def test_password_reset_through_the_orm_update_fields_ends_sessions(alice: Any) -> None:
    clients = two_sessions()
    alice.set_password("reset-by-email")
    alice.save(update_fields=["password"])
    assert not UserSession.objects.live().exists()
    assert all(c.get("/api/whoami/").status_code == 401 for c in clients)


def test_deactivating_a_user_ends_sessions(alice: Any) -> None:
    clients = two_sessions()
    with Recorder() as rec:
        alice.is_active = False
        alice.save()
    assert {r for _, r in rec.ended} == {EndReason.USER_DEACTIVATED} and len(rec.ended) == 2
    assert rec.changed == ["user_deactivated"]
    assert all(c.get("/api/whoami/").status_code == 401 for c in clients)


def test_unrelated_saves_end_nothing(alice: Any) -> None:
    clients = two_sessions()
    with Recorder() as rec:
        alice.first_name = "Alicia"
        alice.save()
        alice.save(update_fields=["last_login"])
    assert rec.ended == [] and rec.changed == []
    assert all(c.get("/api/whoami/").status_code == 200 for c in clients)


def test_a_rehash_at_sign_in_is_not_a_password_change(alice: Any) -> None:
    """Django re-hashes a correct password when the hasher's cost rose: not a password change.

    Django's own session auth hash covers the stored hash, so Django signs the *other* sessions
    out on a re-hash; identity then ends their rows as invalidated, not as a password change."""
    first = Client()
    sign_in(first)
    with override_settings(
        PASSWORD_HASHERS=["tests.hashers.CheapPBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        old_hash = alice.password
        with Recorder() as rec:
            sign_in(Client())  # check_password() upgrades the MD5 hash to PBKDF2 and saves it
        alice.refresh_from_db()
        assert alice.password != old_hash and alice.password.startswith("pbkdf2_sha256$")
        assert rec.ended == [] and rec.changed == []
        with Recorder() as rec:
            assert first.get("/api/whoami/").status_code == 401
        assert [reason for _, reason in rec.ended] == [EndReason.INVALIDATED] and rec.changed == []


def test_deleting_a_user_ends_their_sessions(alice: Any) -> None:
    two_sessions()
    with Recorder() as rec:
        alice.delete()
    assert [r for _, r in rec.ended] == [EndReason.USER_DELETED] * 2
    assert rec.changed == ["user_deleted"]


def test_admin_setting_a_password_hash_directly_counts(alice: Any) -> None:
    clients = two_sessions()
    alice.password = make_password("typed-by-admin")
    alice.save()
    assert all(c.get("/api/whoami/").status_code == 401 for c in clients)
