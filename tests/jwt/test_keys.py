"""The key store: created on first use, sealed at rest, published in the JWK Set, rotated
(published at once, signing after the JWK Set's cache lifetime) and retired after its last
token expired."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from identity.jwt import keys
from identity.jwt.models import SigningKey
from tests.jwt.conftest import header_of, obtain, whoami

pytestmark = pytest.mark.django_db(transaction=True)


def jwks() -> Any:
    return Client().get("/.well-known/jwks.json")


def age(row: SigningKey, seconds: int) -> None:
    """Move a key's timeline ``seconds`` into the past (as if that much time had passed)."""
    shift = timedelta(seconds=seconds)
    fields = {"created_at": row.created_at - shift, "signs_from": row.signs_from - shift}
    if row.signs_until:
        fields["signs_until"] = row.signs_until - shift
    SigningKey.objects.filter(pk=row.pk).update(**fields)
    keys.store.mark_stale()


def test_the_first_key_is_created_on_first_use_and_published(alice: Any) -> None:
    assert not SigningKey.objects.exists()
    token = obtain()["access"]
    row = SigningKey.objects.get()
    assert header_of(token)["kid"] == row.kid and row.alg == "RS256"
    response = jwks()
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    (jwk,) = response.json()["keys"]
    assert jwk["kid"] == row.kid and jwk["alg"] == "RS256" and jwk["use"] == "sig" and jwk["kty"] == "RSA"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)  # the public half only


def test_the_jwks_endpoint_creates_the_first_key_too(db: None) -> None:
    assert len(jwks().json()["keys"]) == 1


def test_private_halves_are_sealed_at_rest(alice: Any, settings: Any) -> None:
    obtain()
    row = SigningKey.objects.get()
    assert "PRIVATE KEY" not in row.sealed_private_key and row.sealed_private_key.startswith("gAAAA")  # Fernet
    # A new key-encryption key in front of the old one: old keys still open, new ones use the new.
    settings.IDENTITY = {
        **settings.IDENTITY,
        "JWT_KEY_ENCRYPTION_KEYS": ["a-new-kek-0123456789", "identity-tests-key-encryption-key-0123456789abcdef"],
    }
    assert whoami(obtain()["access"]).status_code == 200
    # The old one dropped: the key cannot sign, which is a configuration error, not a token error.
    settings.IDENTITY = {**settings.IDENTITY, "JWT_KEY_ENCRYPTION_KEYS": ["a-new-kek-0123456789"]}
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        keys.private_key(keys.signing_key())


@pytest.mark.parametrize("alg", ["ES256", "EdDSA", "RS256"])
def test_every_asymmetric_algorithm_works_end_to_end(alice: Any, settings: Any, alg: str) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "JWT_ALGORITHM": alg}
    token = obtain()["access"]
    assert header_of(token)["alg"] == alg
    assert whoami(token).json()["method"] == "jwt"
    assert [k["alg"] for k in jwks().json()["keys"]] == [alg]


def test_hs256_is_never_published(alice: Any, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "JWT_ALGORITHM": "HS256"}
    token = obtain()["access"]
    assert header_of(token)["alg"] == "HS256"
    assert whoami(token).status_code == 200
    assert jwks().json() == {"keys": []}


def test_rotation_publishes_at_once_and_signs_after_the_cache_lifetime(alice: Any) -> None:
    before = obtain()["access"]
    old = SigningKey.objects.get()
    (new,) = keys.rotate()
    assert new.signs_from >= timezone.now() + timedelta(seconds=299)
    published = {k["kid"] for k in jwks().json()["keys"]}
    assert published == {old.kid, new.kid}  # verifiers can fetch it now...
    assert header_of(obtain()["access"])["kid"] == old.kid  # ...but it does not sign yet
    assert keys.rotate() == [new]  # rotating again while one waits publishes nothing new
    age(SigningKey.objects.get(pk=new.pk), 301)
    age(SigningKey.objects.get(pk=old.pk), 301)
    after = obtain()["access"]
    assert header_of(after)["kid"] == new.kid  # new tokens carry the new kid
    assert whoami(before).status_code == 200  # tokens of the old key keep working until they expire
    assert whoami(after).status_code == 200
    assert SigningKey.objects.get(pk=old.pk).state() == "retiring"


def test_a_key_retires_only_after_its_last_token_expired(alice: Any) -> None:
    token = obtain()["access"]
    old = SigningKey.objects.get()
    keys.rotate(immediately=True)
    assert keys.retire_due() == []  # its token lives for five more minutes
    last = SigningKey.objects.get(pk=old.pk).last_expiry
    assert last is not None and last >= timezone.now() + timedelta(seconds=299)
    assert keys.retire_due(now=last + timedelta(seconds=71)) == [SigningKey.objects.get(pk=old.pk)]
    retired = SigningKey.objects.get(pk=old.pk)
    assert retired.retired_at is not None and retired.sealed_private_key == ""
    assert old.kid not in {k["kid"] for k in jwks().json()["keys"]}
    assert whoami(token).status_code == 401


def test_immediate_rotation_signs_with_the_new_key_now(alice: Any) -> None:
    old_token = obtain()["access"]
    (new,) = keys.rotate(immediately=True)
    token = obtain()["access"]
    assert header_of(token)["kid"] == new.kid != header_of(old_token)["kid"]
    assert whoami(old_token).status_code == 200 and whoami(token).status_code == 200


def test_a_key_created_by_another_process_is_found_by_its_kid(alice: Any) -> None:
    obtain()
    keys.store.load()  # this worker's map, before another process rotates
    row = keys.create_key("RS256")  # what another process would do; this worker was not told
    keys.store._stale = False
    keys.store._loaded_at -= 5
    assert keys.verification_key(row.kid) is not None


def test_the_rotate_command_reports_progress(alice: Any, capsys: Any) -> None:
    obtain()
    call_command("identity_rotate_keys")
    out = capsys.readouterr().out
    assert "Publishing new signing keys; they sign after the JWK Set cache lifetime (300 s)" in out
    assert "published, signs from" in out and "none due" in out
    assert "identity_rotate_keys: 1 published, 0 retired" in out
    call_command("identity_rotate_keys", "--now")
    out = capsys.readouterr().out
    # The key published a moment ago never signed: overtaken, it retires at once.
    assert "retired (removed from the JWK Set, private half destroyed)" in out
    assert "identity_rotate_keys: 1 published, 1 retired" in out
    call_command("identity_rotate_keys", "--list")
    listing = capsys.readouterr().out
    assert listing.count("RS256") == 2 and " active " in listing and " retiring " in listing


def test_the_admin_shows_keys_and_rotates(admin_client: Client, alice: Any) -> None:
    obtain()
    row = SigningKey.objects.get()
    page = admin_client.get("/admin/identity/signingkey/")
    assert page.status_code == 200 and row.kid in page.content.decode()
    assert "sealed" not in admin_client.get(f"/admin/identity/signingkey/{row.pk}/change/").content.decode()
    response = admin_client.post(
        "/admin/identity/signingkey/", {"action": "rotate_now", "_selected_action": [row.pk]}, follow=True
    )
    assert "Published" in response.content.decode()
    assert SigningKey.objects.count() == 2
    admin_client.post("/admin/identity/signingkey/", {"action": "retire_selected", "_selected_action": [row.pk]})
    assert SigningKey.objects.get(pk=row.pk).retired_at is not None


# --- another worker learns of a key change through the key set's version --------------------


def until(condition: Any, timeout: float = 5.0) -> float:
    """Seconds until ``condition()`` holds, asked as busy requests would."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "the other worker never saw the key change"
        time.sleep(0.005)
    return time.monotonic() - start


@pytest.mark.parametrize("source", [pytest.param("redis", marks=pytest.mark.redis), "database"])
def test_a_rotation_on_one_worker_reaches_another_within_the_interval(alice: Any, source: str, request: Any) -> None:
    """A second store with its own version is another worker: it never creates a key, and
    ``signer()`` never reloads on an unknown kid, so only the version can tell it."""
    if source == "redis":
        request.getfixturevalue("use_redis")
    obtain()
    other = keys.KeyStore(version=keys.new_key_set_version)
    old = other.signer("RS256")
    assert old is not None
    interval = float(django_settings.IDENTITY.get("DENYLIST_SYNC_INTERVAL", 0.5))
    (new,) = keys.rotate(immediately=True)
    assert until(lambda: getattr(other.signer("RS256"), "kid", None) == new.kid) <= interval + 0.1
    keys.retire(SigningKey.objects.get(pk=old.pk))
    assert until(lambda: other.get(old.kid) is None) <= interval + 0.1
    assert other._current_version().alias == ("default" if source == "redis" else None)


@pytest.mark.redis
def test_the_denylist_sync_carries_the_key_set_version(alice: Any, use_redis: Any) -> None:
    """On the JWT hot path the key set's version costs no round trip of its own: the denylist
    replica's sync reads it in its pipeline."""
    from identity.jwt.replica import issuer_replica

    obtain()
    version, other_worker = keys.key_set_version(), keys.new_key_set_version()
    other_worker.bump()
    replica = issuer_replica()
    replica.sync(force=True)
    assert version.current() == other_worker.refresh(force=True)
    assert version.checked_at == replica.synced_at  # read by the replica's round trip, not by itself
