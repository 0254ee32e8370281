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


# --- what counts as a credential change: the stored hash before and after the save -----------


def api_credentials(user: Any) -> dict[str, Any]:
    """An API token and a JWT pair (so a refresh family) of ``user``, obtained with the password."""
    from tests.jwt.conftest import obtain
    from tests.tokens.test_cache_and_revocation import new_token

    return {"token": new_token(user.username), "jwt": obtain(user.username)}


def still_work(credentials: dict[str, Any]) -> tuple[bool, bool]:
    token = Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {credentials['token']}")
    access = Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {credentials['jwt']['access']}")
    return token.status_code == 200, access.status_code == 200


def test_an_unusable_password_saved_with_update_fields_revokes_everything(alice: Any) -> None:
    """The regression: Django's re-hash also saves ``update_fields=["password"]`` without a raw
    password, and this save was taken for one, so the tokens and JWT families survived."""
    from identity.jwt.models import RefreshFamily
    from identity.tokens.models import APIToken

    credentials = api_credentials(alice)
    clients = two_sessions()
    with Recorder() as rec:
        alice.set_unusable_password()
        alice.save(update_fields=["password"])
    assert rec.changed == ["password_changed"]
    assert still_work(credentials) == (False, False)
    assert APIToken.objects.get().revoke_reason == "password_changed"
    assert RefreshFamily.objects.get().revoke_reason == "password_changed"
    assert all(c.get("/api/whoami/").status_code == 401 for c in clients)


def test_a_hasher_upgrade_at_sign_in_revokes_nothing(alice: Any) -> None:
    """Same password, new hash (the preferred hasher changed): no credential changed."""
    credentials = api_credentials(alice)
    with override_settings(
        PASSWORD_HASHERS=["tests.hashers.CheapPBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        old_hash = alice.password
        with Recorder() as rec:
            assert alice.check_password("alice-pass")  # Django re-hashes and saves update_fields=["password"]
        alice.refresh_from_db()
        assert alice.password != old_hash and alice.password.startswith("pbkdf2_sha256$")
        assert rec.changed == [] and rec.ended == []
        assert still_work(credentials) == (True, True)


def test_a_new_hash_assigned_directly_with_update_fields_is_a_change(alice: Any) -> None:
    """Without the raw password, only a re-hash of an outdated hash into the preferred hasher's
    format passes for the same password; the old hash here was current."""
    credentials = api_credentials(alice)
    with Recorder() as rec:
        alice.password = make_password("typed-elsewhere")
        alice.save(update_fields=["password"])
    assert rec.changed == ["password_changed"]
    assert still_work(credentials) == (False, False)


@pytest.mark.parametrize("how", ["update_fields", "full"])
def test_set_password_to_a_new_one_is_a_change(alice: Any, how: str) -> None:
    credentials = api_credentials(alice)
    with Recorder() as rec:
        alice.set_password("something-else")
        alice.save(**({"update_fields": ["password"]} if how == "update_fields" else {}))
    assert rec.changed == ["password_changed"]
    assert still_work(credentials) == (False, False)


def test_setting_the_same_password_again_is_no_change(alice: Any) -> None:
    credentials = api_credentials(alice)
    with Recorder() as rec:
        alice.set_password("alice-pass")
        alice.save()
    assert rec.changed == [] and still_work(credentials) == (True, True)


def test_an_unusable_password_after_set_password_is_still_a_change(alice: Any) -> None:
    """``set_unusable_password()`` leaves the raw password of an earlier ``set_password()``
    behind; the unusable hash decides."""
    with Recorder() as rec:
        alice.set_password("alice-pass")
        alice.set_unusable_password()
        alice.save()
    assert rec.changed == ["password_changed"]


def test_one_unusable_password_replacing_another_is_no_change(user_factory: Any) -> None:
    user = user_factory("carol", "x")
    user.set_unusable_password()
    user.save()
    with Recorder() as rec:
        user.set_unusable_password()  # a new random suffix: still no password
        user.save(update_fields=["password"])
    assert rec.changed == []
