"""Signing in through a CAS server (CAS 3.0) by settings alone.

``start()`` sends the browser to the server's ``login`` with this site's service URL: always
the same exact URL (``/accounts/cas/callback/``), so the server's registry can match it and the
validation compares it exactly; where to go afterwards stays in the session. ``end()`` runs
after the local session has ended and sends the browser to the server's ``logout`` with this
site's home as ``service``, so signing out here signs out of the single sign-on session, which
in turn signs the user out of every other site it reached.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from identity.client.cas import validation
from identity.client.flows import SignInFlow
from identity.conf import identity_settings

#: The sign-in this browser started, and where it goes afterwards. A ticket arriving without it
#: (a link someone else prepared: login CSRF) is not used; the browser starts its own sign-in.
PENDING_KEY = "_identity_cas_next"


def service_url(request: HttpRequest) -> str:
    configured = identity_settings.CLIENT_CAS_SERVICE_URL
    return configured or request.build_absolute_uri(reverse("identity_client:cas-callback"))


def home_url(request: HttpRequest) -> str:
    return identity_settings.CLIENT_CAS_LOGOUT_REDIRECT_URL or request.build_absolute_uri("/")


class CasSignInFlow(SignInFlow):
    name = "cas"

    def start(self, request: HttpRequest, next_url: str) -> HttpResponse:
        request.session[PENDING_KEY] = next_url
        return HttpResponseRedirect(validation.login_url(service_url(request)))

    def end(self, request: HttpRequest, user_was_signed_in: bool) -> HttpResponse:
        return HttpResponseRedirect(validation.logout_url(home_url(request)))
