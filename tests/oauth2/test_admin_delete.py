"""Deleting in the admin ("delete selected" and the delete page) must end what it deletes.

A JWT access token is verified offline, so once its grant's rows are gone only the denylist can
refuse it; an opaque one is refused when its row (or its grant's) is gone or revoked. Deleting a
consent must revoke the grants it allowed, as withdrawing it does. Deleting a user ends
everything through the receivers of its pre_delete; that path is checked here through the admin
too, and so is that sessions, signing keys and denylist entries cannot be deleted at all
(ending, retiring and expiring are the ways).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as DjangoClient
from django.utils import timezone

from identity.jwt.denylist import deny_jti
from identity.jwt.models import DeniedToken, SigningKey
from identity.oauth2.models import Client, Consent, Grant, OAuthAccessToken
from identity.sessions.models import UserSession
from tests.conftest import sign_in
from tests.oauth2.conftest import basic, exchange, form_post, get_code

pytestmark = pytest.mark.django_db

HOW = ["delete_selected", "delete_view"]
FORMATS = ["jwt", "opaque"]


@pytest.fixture
def root(db: None) -> DjangoClient:
    """A superuser's browser in the admin."""
    user = get_user_model().objects.create_superuser("root", "root@example.com", "root-pass")
    client = DjangoClient()
    client.force_login(user)
    return client


def _api(token: str) -> int:
    """The status of a call to an API that takes OAuth tokens holding ``profile``."""
    return DjangoClient().get("/api/scoped/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def _tokens(browser: DjangoClient, secret: str) -> dict[str, Any]:
    """Walk the code flow as ``browser``'s user; the access token works on the API."""
    code, verifier = get_code(browser, scope="openid profile")
    body = exchange(DjangoClient(), code, verifier, secret).json()
    assert _api(body["access_token"]) == 200
    return body


def _delete(root: DjangoClient, page: str, pk: Any, how: str) -> Any:
    """Delete one row the way the admin does, confirmation included."""
    if how == "delete_selected":
        return root.post(f"/admin/{page}/", {"action": "delete_selected", "_selected_action": [str(pk)], "post": "yes"})
    return root.post(f"/admin/{page}/{pk}/delete/", {"post": "yes"})


@dataclass
class Scene:
    """A superuser in the admin (``root``), alice signed in (``browser``), and a way to make clients."""

    root: DjangoClient
    browser: DjangoClient
    make_client: Any
    alice: Any
    capture: Any

    def issue(self, token_format: str) -> tuple[Client, str, dict[str, Any]]:
        """A client of ``token_format``, alice's consent to it, and her live tokens."""
        client, secret = self.make_client(access_token_format=token_format)
        assert secret
        Consent.objects.create(user=self.alice, client=client, scope="openid profile")
        body = _tokens(self.browser, secret)
        assert OAuthAccessToken.objects.get(grant__user=self.alice).format == token_format
        return client, secret, body

    def deleted(self, page: str, pk: Any, how: str) -> None:
        """Delete one row as root, running what waits for the commit."""
        with self.capture(execute=True):  # the denylist applies on commit
            response = _delete(self.root, page, pk, how)
        assert response.status_code == 302, response.content[:400]


@pytest.fixture
def scene(
    root: DjangoClient,
    signed_in: DjangoClient,
    make_client: Any,
    alice: Any,
    django_capture_on_commit_callbacks: Any,
) -> Scene:
    return Scene(root, signed_in, make_client, alice, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("token_format", FORMATS)
@pytest.mark.parametrize("how", HOW)
def test_deleting_a_grant_ends_its_access_tokens(scene: Scene, how: str, token_format: str) -> None:
    _, _, body = scene.issue(token_format)
    scene.deleted("identity/grant", Grant.objects.get().pk, how)
    assert not Grant.objects.exists()
    assert _api(body["access_token"]) == 401


@pytest.mark.parametrize("token_format", FORMATS)
@pytest.mark.parametrize("how", HOW)
def test_deleting_a_client_ends_its_access_tokens(scene: Scene, how: str, token_format: str) -> None:
    client, _, body = scene.issue(token_format)
    scene.deleted("identity/client", client.pk, how)
    assert not Client.objects.exists() and not Grant.objects.exists()
    assert _api(body["access_token"]) == 401


@pytest.mark.parametrize("token_format", FORMATS)
@pytest.mark.parametrize("how", HOW)
def test_deleting_a_consent_revokes_the_grants_it_allowed(scene: Scene, bob: Any, how: str, token_format: str) -> None:
    alice = scene.alice
    _, secret, body = scene.issue(token_format)
    bobs_browser = DjangoClient()
    sign_in(bobs_browser, "bob", "bob-pass")
    bobs = _tokens(bobs_browser, secret)  # the same client, without a consent of alice's
    scene.deleted("identity/consent", Consent.objects.get(user=alice).pk, how)
    assert not Consent.objects.exists()
    assert _api(body["access_token"]) == 401
    grant = Grant.objects.get(user=alice)
    assert grant.revoked_at is not None and grant.revoke_reason == "consent_withdrawn"
    refresh = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    refused = form_post(DjangoClient(), "/oauth/token/", refresh, HTTP_AUTHORIZATION=basic("example", secret))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    # Only what alice's consent allowed ends: bob's grant of the same client lives on.
    assert Grant.objects.get(user=bob).revoked_at is None
    assert _api(bobs["access_token"]) == 200


@pytest.mark.parametrize("token_format", FORMATS)
@pytest.mark.parametrize("how", HOW)
def test_deleting_a_user_ends_their_access_tokens(scene: Scene, how: str, token_format: str) -> None:
    """Already done by the receivers of the user's pre_delete (``credentials_changed`` revokes
    every grant). The admin refuses to delete a user who still has session rows (the cascade
    would delete sessions, which the admin refuses), so her session history goes first, as the
    cleanup prunes it after ``SESSION_HISTORY_DAYS``, without ending anything."""
    _, _, body = scene.issue(token_format)
    UserSession.objects.filter(user=scene.alice).delete()
    assert _api(body["access_token"]) == 200
    scene.deleted("auth/user", scene.alice.pk, how)
    assert not get_user_model().objects.filter(username="alice").exists()
    assert _api(body["access_token"]) == 401  # JWT_USER is "token": only the denylist refuses a JWT


def _undeletable_row(page: str, scene: Scene) -> Any:
    scene.issue("jwt")  # signs a JWT (a key) in a session
    if page == "identity/usersession":
        return UserSession.objects.get(user=scene.alice)
    if page == "identity/signingkey":
        return SigningKey.objects.first()
    deny_jti("some-jti", timezone.now() + timedelta(minutes=5))
    return DeniedToken.objects.get(value="some-jti")


@pytest.mark.parametrize("page", ["identity/usersession", "identity/signingkey", "identity/deniedtoken"])
@pytest.mark.parametrize("how", HOW)
def test_sessions_keys_and_denials_cannot_be_deleted(scene: Scene, page: str, how: str) -> None:
    row = _undeletable_row(page, scene)
    response = _delete(scene.root, page, row.pk, how)
    assert response.status_code in ({403} if how == "delete_view" else {200, 302})  # not offered
    assert type(row).objects.filter(pk=row.pk).exists()
