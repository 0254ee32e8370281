"""``request.user`` of a JWT request, by ``JWT_USER``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from identity.exceptions import InvalidToken
from identity.jwt.users import TokenUser, user_from_claims
from tests.jwt.conftest import bearer, obtain

pytestmark = pytest.mark.django_db(transaction=True)


def claims_user(claims: dict[str, Any]) -> Any:
    """A project's resolver (``JWT_USER`` as a dotted path): refuses subject 0."""
    return None if claims["sub"] == "0" else TokenUser({**claims, "preferred_username": "via-hook"})


def test_by_default_a_token_user_built_from_the_claims(alice: Any) -> None:
    user = user_from_claims({"sub": str(alice.pk), "preferred_username": "alice", "scope": "api read"})
    assert isinstance(user, TokenUser) and user.pk == str(alice.pk) and user.get_username() == "alice"
    assert user.is_authenticated and not user.is_anonymous and not user.has_perm("identity.view_apitoken")
    assert user.scopes == {"api", "read"} and user == TokenUser({"sub": str(alice.pk)})


@pytest.mark.redis
def test_database_mode_loads_the_row(alice: Any, use_redis: Any, settings: Any, django_assert_num_queries: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "JWT_USER": "database"}
    token = obtain()["access"]
    client = Client()
    assert client.get("/api/whoami/", **bearer(token)).status_code == 200
    with django_assert_num_queries(1):  # the user row, nothing else
        assert client.get("/api/whoami/", **bearer(token)).json() == {"user": "alice", "method": "jwt"}
    assert user_from_claims({"sub": str(alice.pk)}) == alice
    type(alice)._default_manager.filter(pk=alice.pk).update(is_active=False)  # behind the signals' back
    with pytest.raises(InvalidToken, match="does not exist or is inactive"):
        user_from_claims({"sub": str(alice.pk)})


def test_a_dotted_path_resolver(alice: Any, settings: Any) -> None:
    settings.IDENTITY = {**settings.IDENTITY, "JWT_USER": "tests.jwt.test_users.claims_user"}
    token = obtain()["access"]
    assert Client().get("/api/whoami/", **bearer(token)).json()["user"] == "via-hook"
    with pytest.raises(InvalidToken, match="does not exist"):
        user_from_claims({"sub": "0"})
