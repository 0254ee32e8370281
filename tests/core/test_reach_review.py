"""Regression tests for what a review of the reach model found: ways around it that the first
version left open (the route guessed before URL resolution, async views, opaque OAuth tokens for
another audience or of a client holding the reserved id), and inputs that made it fail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.utils import timezone

from identity.core.crypto import sha256_hex
from identity.core.reach import CLIENT, USER, from_claims, from_permissions
from identity.oauth2.models import Client as OAuthClient
from identity.oauth2.models import ClientType, Grant, GrantType, OAuthAccessToken, TokenFormat
from identity.tokens.services import create_token

pytestmark = pytest.mark.django_db


class StaffHostRouting:
    """Placed *after* identity's middleware: picks the URLconf for the staff host."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if request.get_host() == "staff.example":
            request.urlconf = "tests.urls_staff"
        return self.get_response(request)


def test_a_urlconf_chosen_after_the_middleware_does_not_open_the_admin(settings: Any, user_factory: Any) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.core.test_reach_review.StaffHostRouting"]
    root = user_factory("root", "root-pass", is_staff=True, is_superuser=True)
    token, _ = create_token(root, name="script")
    for where in ("/staff/", "/staff/auth/user/"):
        response = Client().get(where, HTTP_HOST="staff.example", HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 403, (where, response.status_code)


async def async_whoami(request: HttpRequest) -> JsonResponse:
    user = await request.auser()
    return JsonResponse({"user": user.get_username() if user.is_authenticated else None})


def test_auser_works_and_follows_the_same_rules_as_user(alice: Any) -> None:
    token, _ = create_token(alice, name="script")
    with override_settings(ROOT_URLCONF="tests.core.test_reach_review"):
        response = Client().get("/async/", HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 200 and response.json() == {"user": "alice"}
        browser = Client()
        browser.post("/accounts/login/", {"username": "alice", "password": "alice-pass"})
        assert browser.get("/async/").json() == {"user": "alice"}
        # a view for OAuth tokens only: the session is not its credential, sync or async
        assert browser.get("/async/oauth-only/").json() == {"user": None}


def _opaque_token(client: OAuthClient, user: Any, scope: str = "profile") -> str:
    grant = Grant.objects.create(
        client=client, user=user, grant_type=GrantType.AUTHORIZATION_CODE, scope=scope,
        expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    value = "opaque-token-for-the-review-" + client.client_id
    OAuthAccessToken.objects.create(
        grant=grant, key=sha256_hex(value), format=TokenFormat.OPAQUE, scope=scope,
        expires_at=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    return value


def test_an_opaque_token_for_another_audience_is_not_valid_here(alice: Any) -> None:
    other = OAuthClient.objects.create(
        name="Other API's client", client_id="other", client_type=ClientType.CONFIDENTIAL,
        scopes="openid profile", audience="https://other-api.example", access_token_format=TokenFormat.OPAQUE,
    )  # fmt: skip
    token = _opaque_token(other, alice)
    response = Client().get("/api/scoped/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401 and 'error="invalid_token"' in response["WWW-Authenticate"]


def test_an_opaque_token_of_a_client_holding_the_reserved_id_is_never_first_party(alice: Any) -> None:
    squatter = OAuthClient.objects.create(  # made outside the form, which refuses the id
        name="Squatter", client_id="identity", client_type=ClientType.CONFIDENTIAL, scopes="openid profile",
        access_token_format=TokenFormat.OPAQUE,
    )  # fmt: skip
    token = _opaque_token(squatter, alice)
    assert Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_an_unknown_scheme_and_a_bad_jwt_cookie_still_reach_the_sign_in_page(settings: Any, alice: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "JWT_COOKIE": True}
    browser = Client()
    browser.cookies["identity_access"] = "eyJhbGciOiJSUzI1NiJ9.e30.expired-or-forged"
    response = browser.get("/accounts/login/", HTTP_AUTHORIZATION="Negotiate abc")
    assert response.status_code == 200 and b'name="password"' in response.content


def test_only_the_clients_own_subject_acts_for_the_client() -> None:
    assert from_claims({"client_id": "batch", "sub": "client:batch"}).acts_for == CLIENT
    # a user whose (string) primary key happens to start with "client:" stays a user
    assert from_claims({"client_id": "app", "sub": "client:batch"}).acts_for == USER


def test_permission_walking_stops_on_objects_that_answer_every_attribute() -> None:
    class Anything:
        def __getattr__(self, name: str) -> Any:
            return Anything()

    assert from_permissions([Anything()]).scopes == frozenset()


def test_drf_declarations_rebuilt_per_request_do_not_grow_memory(alice: Any) -> None:
    from identity.contrib.rest_framework import authentication

    token, _ = create_token(alice, name="script")
    with override_settings(ROOT_URLCONF="tests.core.test_reach_review"):
        for _ in range(30):
            assert Client().get("/fresh-permissions/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert len(authentication._by_permissions) < 10


class ModuleRouting(StaffHostRouting):
    def __call__(self, request: HttpRequest) -> Any:
        import tests.urls as module

        request.urlconf = module  # Django accepts a module object as well as a dotted path
        return self.get_response(request)


def test_a_module_as_request_urlconf_is_no_server_error(settings: Any, alice: Any) -> None:
    settings.MIDDLEWARE = ["tests.core.test_reach_review.ModuleRouting", *settings.MIDDLEWARE]
    token, _ = create_token(alice, name="script")
    response = Client().get("/api/whoami/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["user"] == "alice"


# --- a URLconf for the tests above ---------------------------------------------------------------

from django.urls import include, path  # noqa: E402
from rest_framework.permissions import IsAuthenticated  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from identity.core.reach import accepts  # noqa: E402


@accepts("profile", first_party=False)
async def async_oauth_only(request: HttpRequest) -> JsonResponse:
    return await async_whoami(request)


class FreshPermissions(APIView):
    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        self.permission_classes = list([IsAuthenticated])  # a new list on every request
        super().initial(request, *args, **kwargs)

    def get(self, request: Any) -> Response:
        return Response({"user": request.user.get_username()})


urlpatterns = [
    path("async/", async_whoami),
    path("async/oauth-only/", async_oauth_only),
    path("fresh-permissions/", FreshPermissions.as_view()),
    path("", include("tests.urls")),
]
