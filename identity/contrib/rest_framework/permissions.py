"""DRF permission classes that declare what an API view accepts (:mod:`identity.core.reach`).

``IdentityAuthentication`` reads the declaration *before* the view runs and refuses any other
credential with ``403 insufficient_scope`` and the scope needed in the ``Bearer`` challenge
(RFC 6750 §3.1); the permission itself then asks for an authenticated caller. A view without
one of these accepts first-party credentials only::

    class RevenueView(APIView):
        permission_classes = [RequireScopes("revenue:read")]                # + OAuth tokens with it
        permission_classes = [RequireScopes("revenue:read", clients=True)]  # + client_credentials too
        permission_classes = [RequireScopes("revenue:read", first_party=False)]  # OAuth tokens only
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from identity.contrib.rest_framework.authentication import IdentityAPIException
from identity.core import reach


class _ScopePermission(BasePermission):
    identity_accepts: reach.Accepts = reach.DEFAULT

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 with the challenges
        found = reach.get_reach(request._request)
        if found is not None:
            problem = reach.refusal(found, self.identity_accepts)
            if problem is not None:
                raise IdentityAPIException(problem)
        return True


def RequireScopes(*scopes: str, first_party: bool = True, clients: bool = False) -> type[BasePermission]:  # noqa: N802
    """A permission class accepting first-party credentials (unless ``first_party=False``) and
    OAuth access tokens holding every one of ``scopes``; ``clients=True`` also accepts tokens
    that act for a client (``client_credentials``) holding them."""
    if not scopes:
        raise ValueError("RequireScopes needs at least one scope.")
    declared = reach.declaration(scopes, first_party=first_party, clients=clients)
    name = "RequireScopes(" + ", ".join(repr(s) for s in scopes) + ")"
    return type(name, (_ScopePermission,), {"identity_accepts": declared, "__doc__": f"Accepts {declared}."})
