"""``request.user`` for a JWT request, by ``JWT_USER``: a :class:`TokenUser` built from the
claims (no SQL: the default), the user row (``"database"``, one SELECT), or a project's
callable ``(claims) -> user or None``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from identity.conf import identity_settings, on_reload
from identity.core.users import PrincipalWithoutPermissions
from identity.exceptions import InvalidToken


class TokenUser(PrincipalWithoutPermissions):
    """A user known only from a verified access token: authenticated, with the token's
    subject as ``pk`` and its claims at hand, and no permissions of its own (a service that
    needs more loads its user with ``JWT_USER``)."""

    def __init__(self, claims: dict[str, Any]) -> None:
        self.claims = claims
        self.pk = self.id = claims["sub"]
        self.username = claims.get("preferred_username") or claims["sub"]

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(str(self.claims.get("scope") or "").split())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenUser) and other.pk == self.pk

    def __hash__(self) -> int:
        return hash(self.pk)


def _from_database(claims: dict[str, Any]) -> Any:
    try:
        return get_user_model()._default_manager.filter(pk=claims["sub"], is_active=True).first()
    except (TypeError, ValueError, ValidationError):
        return None  # a subject that is no primary key (a client's "client:<id>") names no user


_resolvers: dict[str, Callable[[dict[str, Any]], Any]] = {}


@on_reload
def _reset() -> None:
    _resolvers.clear()


def user_from_claims(claims: dict[str, Any]) -> Any:
    resolver = _resolvers.get("r")
    if resolver is None:
        mode = identity_settings.JWT_USER
        resolver = TokenUser if mode == "token" else _from_database if mode == "database" else import_string(mode)
        _resolvers["r"] = resolver
    user = resolver(claims)
    if user is None:
        raise InvalidToken("The token's user does not exist or is inactive.", scheme="bearer")
    return user
