"""Resolving a user by primary key on the hot path without a SELECT per request.

Every session (and later token) request needs its user. Django's ``get_user`` runs one SELECT
each time: ~180 µs of Python even on SQLite, most of what a session request costs. identity keeps
user objects in a small per-process cache for ``USER_CACHE_SECONDS`` (1 s by default), so a
busy user costs one SELECT per worker per second at most. A save or delete of the user drops the
entry at once on the worker that made it; other workers see the change within the TTL. The
security-relevant changes do not wait for that: a password change or a deactivation also ends
the user's sessions in their stores (see ``identity.sessions.receivers``). Each request gets a
shallow copy, so nothing one request sets on its user leaks into another.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib.auth import load_backend

from identity.conf import identity_settings, on_reload
from identity.core.bounded import BoundedCache

_users: BoundedCache[Any] = BoundedCache(4096)


def default_backend() -> str:
    """The backend that loads users for credentials naming a user by id (tokens): the first
    of ``AUTHENTICATION_BACKENDS``, as Django's own ``login()`` picks when there is one."""
    return str(settings.AUTHENTICATION_BACKENDS[0])


@on_reload
def _reset() -> None:
    _users.clear()
    _users.maxsize = identity_settings.USER_CACHE_SIZE


def get_user(user_id: Any, backend_path: str) -> Any | None:
    """The user with ``user_id`` as ``backend_path`` loads it (None if gone or inactive)."""
    key = f"{backend_path}:{user_id}"
    user = _users.get(key)
    if user is None:
        user = load_backend(backend_path).get_user(user_id)
        if user is None:
            return None
        _users.set(key, user, identity_settings.USER_CACHE_SECONDS)
    return copy.copy(user)


def remember(user: Any, backend_path: str) -> None:
    """Prime the cache with a user just loaded for another reason (a password check)."""
    _users.set(f"{backend_path}:{user.pk}", copy.copy(user), identity_settings.USER_CACHE_SECONDS)


def forget(user_id: Any) -> None:
    """Drop a user from this process's cache (called when the user is saved or deleted)."""
    suffix = f":{user_id}"
    for key in [k for k in list(_users._data) if k.endswith(suffix)]:
        _users.pop(key)


class PrincipalWithoutPermissions:
    """What ``request.user`` is when no user row stands behind the credential: authenticated,
    never staff, holding no permission. Subclasses set ``username`` and say how two compare."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    username: str = ""

    def get_username(self) -> str:
        return str(self.username)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        return set()

    def __str__(self) -> str:
        return self.get_username()


class ClientPrincipal(PrincipalWithoutPermissions):
    """``request.user`` of a request made with a token that acts for an OAuth client, not a user
    (``client_credentials``, RFC 6749 §4.4). Only views that declare they accept client tokens
    ever see it (:mod:`identity.core.reach`)."""

    is_client = True
    pk = id = None

    def __init__(self, client_id: str) -> None:
        self.client_id = client_id
        self.username = f"client:{client_id}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ClientPrincipal) and other.client_id == self.client_id

    def __hash__(self) -> int:
        return hash(("client", self.client_id))
