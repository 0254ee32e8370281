"""The request of a view that only runs for a signed-in user (behind ``login_required``, or a
Security page section): there ``request.user`` is a user, never ``AnonymousUser``.

Django's stubs type ``HttpRequest.user`` as "the user model or ``AnonymousUser``", so a query
such as ``filter(user=request.user)`` does not type-check on a plain ``HttpRequest``. Annotate
such a view's request as :class:`AuthenticatedHttpRequest` (the pattern django-stubs documents).
It is a name for type checkers only: at run time it *is* ``HttpRequest``, nothing is checked or
converted, so the guarantee stays the decorator's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    # The stubs' name for the model AUTH_USER_MODEL names: mypy's django plugin resolves it from
    # the settings, so a project's custom user model is what views see.
    from django.contrib.auth.models import _User

    class AuthenticatedHttpRequest(HttpRequest):
        user: _User

else:
    AuthenticatedHttpRequest = HttpRequest

__all__ = ["AuthenticatedHttpRequest"]
