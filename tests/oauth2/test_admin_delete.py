"""Deleting in the admin ("delete selected" and the delete page) must end what it deletes.

A JWT access token is verified offline, so once its grant's rows are gone only the denylist can
refuse it; an opaque one is refused when its row (or its grant's) is gone or revoked. Deleting a
consent must revoke the grants it allowed, as withdrawing it does. Deleting a user ends
everything through the receivers of its pre_delete; that path is checked here through the admin
too, and so is that sessions, signing keys and denylist entries cannot be deleted at all
(ending, retiring and expiring are the ways).
"""

from __future__ import annotations

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
def browser(alice: Any) -> DjangoClient:
    client = DjangoClient()
    sign_in(client)
    return client


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


def _issue(
    browser: DjangoClient, make_client: Any, alice: Any, token_format: str
) -> tuple[Client, str, dict[str, Any]]:
    """A client of ``token_format``, alice's consent to it, and her live tokens."""
    client, secret = make_client(access_token_format=token_format)
    assert secret
    Consent.objects.create(user=alice, client=client, scope="openid profile")
    body = _tokens(browser, secret)
    assert OAuthAccessToken.objects.get(grant__user=alice).format == token_format
    return client, secret, body


def _delete(root: DjangoClient, page: str, pk: Any, how: str) -> Any:
    """Delete one row the way the admin does, confirmation included."""
    if how == "delete_selected":
        return root.post(f"/admin/{page}/", {"action": "delete_selected", "_selected_action": [str(pk)], "post": "yes"})
    return root.post(f"/admin/{page}/{pk}/delete/", {"post": "yes"})


def _deleted(root: DjangoClient, page: str, pk: Any, how: str, capture: Any) -> None:
    with capture(execute=True):  # the denylist applies on commit
        response = _delete(root, page, pk, how)
    assert response.status_code == 302, response.content[:400]


@pytest.mark.parametrize("token_format", FORMATS)
@pytest.mark.parametrize("how", HOW)
def test_deleting_a_grant_ends_its_access_tokens(
    root: DjangoClient,
    browser: DjangoClient,
    make_client: Any,
    alice: Any,
    how: str,
    token_format: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _, _, body = _issue(browser, make_client, alice, token_format)
    grant = Grant.objects.get()
    _deleted(root, "identity/grant", grant.pk, how, django_capture_on_commit_callbacks)
    assert not Grant.objects.exists()
    assert _api(body["access_token"]) == 401


@pytest.mark.parametrize("token_format", FORMATS)
@pytest.mark.parametrize("how", HOW)
def test_deleting_a_client_ends_its_access_tokens(
    root: DjangoClient,
    browser: DjangoClient,
    make_client: Any,
    alice: Any,
    how: str,
    token_format: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client, _, body = _issue(browser, make_client, alice, token_format)
    _deleted(root, "identity/client", client.pk, how, django_capture_on_commit_callbacks)
    assert not Client.objects.exists() and not Grant.objects.exists()
    assert _api(body["access_token"]) == 401


@pytest.mark.parametrize("token_format", FORMATS)
@pytest.mark.parametrize("how", HOW)
def test_deleting_a_consent_revokes_the_grants_it_allowed(
    root: DjangoClient,
    browser: DjangoClient,
    make_client: Any,
    alice: Any,
    bob: Any,
    how: str,
    token_format: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _, secret, body = _issue(browser, make_client, alice, token_format)
    bobs_browser = DjangoClient()
    sign_in(bobs_browser, "bob", "bob-pass")
    bobs = _tokens(bobs_browser, secret)  # the same client, without a consent of alice's
    consent = Consent.objects.get(user=alice)
    _deleted(root, "identity/consent", consent.pk, how, django_capture_on_commit_callbacks)
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
def test_deleting_a_user_ends_their_access_tokens(
    root: DjangoClient,
    browser: DjangoClient,
    make_client: Any,
    alice: Any,
    how: str,
    token_format: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Already done by the receivers of the user's pre_delete (``credentials_changed`` revokes
    every grant). The admin refuses to delete a user who still has session rows (the cascade
    would delete sessions, which the admin refuses), so her session history goes first, as the
    cleanup prunes it after ``SESSION_HISTORY_DAYS``, without ending anything."""
    _, _, body = _issue(browser, make_client, alice, token_format)
    UserSession.objects.filter(user=alice).delete()
    assert _api(body["access_token"]) == 200
    _deleted(root, "auth/user", alice.pk, how, django_capture_on_commit_callbacks)
    assert not get_user_model().objects.filter(username="alice").exists()
    assert _api(body["access_token"]) == 401  # JWT_USER is "token": only the denylist refuses a JWT


def _undeletable_row(page: str, browser: DjangoClient, make_client: Any, alice: Any) -> Any:
    _issue(browser, make_client, alice, "jwt")  # signs a JWT (a key) in a session
    if page == "identity/usersession":
        return UserSession.objects.get(user=alice)
    if page == "identity/signingkey":
        return SigningKey.objects.first()
    deny_jti("some-jti", timezone.now() + timedelta(minutes=5))
    return DeniedToken.objects.get(value="some-jti")


@pytest.mark.parametrize("page", ["identity/usersession", "identity/signingkey", "identity/deniedtoken"])
@pytest.mark.parametrize("how", HOW)
def test_sessions_keys_and_denials_cannot_be_deleted(
    root: DjangoClient, browser: DjangoClient, make_client: Any, alice: Any, page: str, how: str
) -> None:
    row = _undeletable_row(page, browser, make_client, alice)
    response = _delete(root, page, row.pk, how)
    assert response.status_code in ({403} if how == "delete_view" else {200, 302})  # not offered
    assert type(row).objects.filter(pk=row.pk).exists()
