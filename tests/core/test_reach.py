"""The reach model (identity/core/reach.py): what each credential may reach, how views declare
what they accept, and how the two adapters apply it."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client, RequestFactory
from rest_framework.permissions import IsAuthenticated

from identity.contrib.rest_framework.permissions import RequireScopes
from identity.core import reach
from identity.core.reach import (
    BASIC_REACH,
    CLIENT,
    COOKIE,
    DEFAULT,
    FIRST_PARTY_CLIENT_ID,
    PERSONAL_TOKEN_REACH,
    SESSION_ONLY,
    SESSION_REACH,
    Accepts,
    Reach,
    accepts,
    declared_by,
    from_claims,
    from_permissions,
    needs_csrf,
    refusal,
)
from identity.exceptions import CredentialNotAccepted, InsufficientScope

OAUTH_USER = Reach("jwt", client_id="app", scope="openid revenue:read")
OAUTH_CLIENT = Reach("jwt", client_id="batch", scope="revenue:read", acts_for=CLIENT)
REVENUE = Accepts(scopes=frozenset({"revenue:read"}))
REVENUE_MACHINES = Accepts(scopes=frozenset({"revenue:read"}), clients=True)


@pytest.mark.parametrize("first_party", [SESSION_REACH, BASIC_REACH, PERSONAL_TOKEN_REACH, Reach("jwt")])
def test_first_party_credentials_reach_views_that_declare_nothing(first_party: Reach) -> None:
    assert first_party.first_party
    assert refusal(first_party, DEFAULT) is None
    assert refusal(first_party, REVENUE) is None  # a scope declaration adds OAuth tokens, keeps first party


def test_oauth_tokens_reach_only_views_declaring_a_scope_they_hold() -> None:
    refused = refusal(OAUTH_USER, DEFAULT)
    assert isinstance(refused, InsufficientScope) and refused.status_code == 403 and refused.scope is None
    assert refusal(OAUTH_USER, REVENUE) is None
    missing = refusal(OAUTH_USER, Accepts(scopes=frozenset({"revenue:read", "revenue:write"})))
    assert isinstance(missing, InsufficientScope) and missing.scope == "revenue:read revenue:write"


def test_a_scope_named_in_another_claim_or_as_a_substring_does_not_count() -> None:
    assert refusal(Reach("jwt", client_id="app", scope="revenue:readonly"), REVENUE) is not None
    assert refusal(Reach("jwt", client_id="app", scope=""), REVENUE) is not None


def test_client_tokens_need_views_that_accept_clients() -> None:
    assert not OAUTH_CLIENT.first_party
    assert isinstance(refusal(OAUTH_CLIENT, REVENUE), InsufficientScope)
    assert refusal(OAUTH_CLIENT, REVENUE_MACHINES) is None
    assert isinstance(refusal(OAUTH_CLIENT, DEFAULT), InsufficientScope)


def test_first_party_false_refuses_first_party_credentials() -> None:
    oauth_only = Accepts(first_party=False, scopes=frozenset({"revenue:read"}))
    assert isinstance(refusal(SESSION_REACH, oauth_only), CredentialNotAccepted)
    assert isinstance(refusal(Reach("jwt"), oauth_only), InsufficientScope)  # a header: RFC 6750's answer
    assert refusal(OAUTH_USER, oauth_only) is None


@pytest.mark.parametrize(
    ("found", "error"),
    [
        (BASIC_REACH, CredentialNotAccepted),
        (PERSONAL_TOKEN_REACH, InsufficientScope),
        (Reach("jwt"), InsufficientScope),
        (Reach("jwt", carrier=COOKIE), CredentialNotAccepted),
        (OAUTH_USER, InsufficientScope),
    ],
)
def test_only_an_interactive_session_reaches_session_only_pages(found: Reach, error: type) -> None:
    assert refusal(SESSION_REACH, SESSION_ONLY) is None
    assert isinstance(refusal(found, SESSION_ONLY), error)


@pytest.mark.parametrize(
    ("claims", "first_party", "acts_for"),
    [
        ({"client_id": "identity", "sub": "7", "scope": "api"}, True, "user"),
        ({"client_id": "app", "sub": "7", "scope": "openid"}, False, "user"),
        ({"client_id": "Identity", "sub": "7"}, False, "user"),  # exact, never case-folded
        ({"client_id": "identity ", "sub": "7"}, False, "user"),
        ({"sub": "7"}, False, "user"),  # no client_id: never first party
        ({"client_id": ["identity"], "sub": "7"}, False, "user"),
        ({"client_id": "identity", "sub": "client:identity"}, False, "client"),
        ({"client_id": "batch", "sub": "client:batch", "scope": "x"}, False, "client"),
    ],
)
def test_reach_from_claims(claims: dict[str, Any], first_party: bool, acts_for: str) -> None:
    found = from_claims(claims)
    assert found.first_party is first_party and found.acts_for == acts_for
    assert found.client_id == FIRST_PARTY_CLIENT_ID or not found.first_party


def test_a_non_string_scope_claim_holds_no_scope() -> None:
    assert from_claims({"client_id": "app", "sub": "1", "scope": ["revenue:read"]}).scopes == frozenset()


def test_csrf_applies_to_cookies_always_to_basic_from_browsers_and_to_bearer_never() -> None:
    factory = RequestFactory()
    script = factory.post("/x")
    assert needs_csrf(SESSION_REACH, script) and needs_csrf(Reach("jwt", carrier=COOKIE), script)
    assert not needs_csrf(Reach("jwt"), script) and not needs_csrf(PERSONAL_TOKEN_REACH, script)
    assert not needs_csrf(BASIC_REACH, script)  # curl -u
    assert needs_csrf(BASIC_REACH, factory.post("/x", HTTP_ORIGIN="https://evil.example"))
    assert needs_csrf(BASIC_REACH, factory.post("/x", HTTP_SEC_FETCH_SITE="cross-site"))
    with_cookie = factory.post("/x")
    with_cookie.COOKIES["anything"] = "1"
    assert needs_csrf(BASIC_REACH, with_cookie)


# --- declarations ---------------------------------------------------------------------------


def test_declarations_of_plain_views_class_views_and_drf_views() -> None:
    from django.views import View
    from rest_framework.views import APIView

    @accepts("a:read", clients=True)
    def plain(request: Any) -> None: ...

    @accepts("b:read")
    class ClassView(View): ...

    class Api(APIView):
        permission_classes = [IsAuthenticated, RequireScopes("c:read")]

    def undeclared(request: Any) -> None: ...

    assert declared_by(plain) == Accepts(scopes=frozenset({"a:read"}), clients=True)
    assert declared_by(ClassView.as_view()) == Accepts(scopes=frozenset({"b:read"}))
    assert declared_by(Api.as_view()).scopes == {"c:read"}
    assert declared_by(Api.as_view(permission_classes=[IsAuthenticated])) == DEFAULT
    assert declared_by(undeclared) == DEFAULT


def test_composed_drf_permissions_need_every_scope_named() -> None:
    either = from_permissions([RequireScopes("a:read", clients=True) | RequireScopes("b:read")])
    assert either.scopes == {"a:read", "b:read"} and not either.clients  # never more than declared
    negated = from_permissions([~RequireScopes("a:read")])
    assert negated.scopes == {"a:read"}
    both = from_permissions([IsAuthenticated & RequireScopes("a:read", clients=True)])
    assert both == Accepts(scopes=frozenset({"a:read"}), clients=True)


def test_require_scopes_needs_a_scope() -> None:
    with pytest.raises(ValueError, match="at least one scope"):
        RequireScopes()


# --- the adapters, over the test URLconf -----------------------------------------------------


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_session_only_pages_refuse_header_credentials_before_checking_them(alice: Any) -> None:
    for header in ("Bearer not-even-a-token", "Token idt_x"):
        response = Client().get("/accounts/security/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 403 and response.json()["error"] == "insufficient_scope", header
        assert response["Cache-Control"] == "no-store"
    # more wrong passwords than the (username, IP) limit: refused each time, never counted as a
    # failed password check (a page that takes no Basic is no password oracle)
    for _ in range(8):
        response = Client().get("/accounts/security/", HTTP_AUTHORIZATION=basic("alice", "wrong-password"))
        assert response.status_code == 403 and response.json()["error"] == "credential_not_accepted"
    from identity.core.throttling import PasswordThrottle

    PasswordThrottle(RequestFactory().get("/"), "alice").check()  # raises Throttled had they been counted
    api = Client().get("/api/whoami/", HTTP_AUTHORIZATION=basic("alice", "wrong-password"))
    assert api.status_code == 401  # where Basic is accepted, the same header is checked (and counted)


def test_an_unknown_scheme_on_a_session_only_page_is_not_ours_to_refuse(signed_in: Client) -> None:
    response = signed_in.get("/accounts/security/", HTTP_AUTHORIZATION="Negotiate abc")
    assert response.status_code == 200  # the session is the credential; Negotiate is someone else's


def test_insufficient_scope_is_answered_in_the_bearer_challenge(alice: Any) -> None:
    from identity.jwt.tokens import issue_access_token

    token, _ = issue_access_token(alice, client_id="app", scope="openid")
    response = Client().get("/api/scoped/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    assert response.json() == {
        "error": "insufficient_scope",
        "error_description": "The access token needs the scope profile.",
    }
    assert response["WWW-Authenticate"] == (
        'Bearer realm="identity", error="insufficient_scope", '
        'error_description="The access token needs the scope profile.", scope="profile"'
    )
    plain = Client().get("/plain/scoped/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert plain.status_code == 403 and plain["WWW-Authenticate"] == response["WWW-Authenticate"]


def test_a_scoped_token_reaches_the_scoped_views(alice: Any) -> None:
    from identity.jwt.tokens import issue_access_token

    token, _ = issue_access_token(alice, client_id="app", scope="openid profile")
    for path in ("/api/scoped/", "/plain/scoped/"):
        response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200 and response.json()["user"] == str(alice.pk)  # a TokenUser: sub


def test_the_jwt_path_decides_reach_without_sql(alice: Any, django_assert_num_queries: Any) -> None:
    from identity.jwt.tokens import issue_access_token

    token, _ = issue_access_token(alice, client_id="app", scope="profile")
    first_party, _ = issue_access_token(alice, client_id=FIRST_PARTY_CLIENT_ID, scope="api")
    client = Client()
    client.get("/api/scoped/", HTTP_AUTHORIZATION=f"Bearer {token}")  # keys loaded, token cached
    with django_assert_num_queries(0):
        assert client.get("/api/scoped/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        assert client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403
        assert client.get("/api/whoami/", HTTP_AUTHORIZATION=f"Bearer {first_party}").status_code == 200


def test_the_admin_login_page_sends_you_to_identitys_sign_in(db: None) -> None:
    response = Client().get("/admin/login/?next=/admin/auth/user/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/admin/auth/user/"


def test_a_client_token_is_a_client_principal_with_no_permissions(db: None) -> None:
    from identity.core.users import ClientPrincipal

    principal = ClientPrincipal("batch")
    assert principal.is_authenticated and not principal.is_staff and principal.pk is None
    assert not principal.has_perm("auth.add_user") and principal.get_username() == "client:batch"


def test_get_reach_tells_a_view_what_authenticated_the_request(alice: Any) -> None:
    request = RequestFactory().get("/")
    assert reach.get_reach(request) is None
    assert reach.describe_caller(request) == {"user": None, "client": None, "authenticated_by": None}
