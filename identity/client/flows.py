"""Signing a site's users in through another identity provider (the *client* side).

A client site (a relying party) has no password form of its own: ``/accounts/login/`` starts a
sign-in *flow* at the provider (CAS or OpenID Connect), and ``/accounts/logout/`` signs out here
and then at the provider. Each protocol is a :class:`SignInFlow` named in
``IDENTITY["CLIENT_FLOWS"]``; ``IDENTITY["CLIENT_PROTOCOL"]`` picks the one in use. This module
never imports the provider side (``identity.cas``, ``identity.oauth2``).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from identity.conf import identity_settings


class SignInFlow:
    """One protocol's client side. Subclasses implement both methods."""

    name = ""

    def start(self, request: HttpRequest, next_url: str) -> HttpResponse:
        """Send the browser to the provider to sign in; come back to ``next_url`` afterwards."""
        raise ImproperlyConfigured(f"{type(self).__name__} does not implement start()")

    def end(self, request: HttpRequest, user_was_signed_in: bool) -> HttpResponse:
        """Called after the local session has ended: usually a redirect to the provider's
        logout, so the single sign-on session ends too."""
        raise ImproperlyConfigured(f"{type(self).__name__} does not implement end()")


def current_flow() -> SignInFlow:
    name = identity_settings.CLIENT_PROTOCOL
    flows = identity_settings.CLIENT_FLOWS
    if not name or name not in flows:
        raise ImproperlyConfigured(
            f"IDENTITY['CLIENT_PROTOCOL'] is {name!r}; expected one of {sorted(flows)} to sign in through a provider."
        )
    flow: SignInFlow = import_string(flows[name])()
    return flow
