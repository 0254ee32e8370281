"""``/accounts/cas/callback/``: this site's CAS service URL. A GET brings a ticket back from the
server's login, with the ``state`` of a sign-in this browser started (see
:mod:`identity.client.cas.flow`); a POST is the server's single-logout request (CAS Appendix C),
which ends the local session that ticket signed in, through the foundation's ``end_session``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from identity.client.cas import flow, validation
from identity.client.cas.models import CasClientLogin
from identity.client.cas.users import UnknownUser, local_user
from identity.conf import identity_settings
from identity.core.crypto import sha256_hex
from identity.sessions.models import EndReason, UserSession
from identity.sessions.services import current_sid, end_session
from identity.sessions.signout import sign_out

log = logging.getLogger("identity.client")


def _failed(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "identity/client/sign_in_failed.html", {"message": message}, status=status)


def _backend() -> str:
    return str(settings.AUTHENTICATION_BACKENDS[0])


def _sign_in(request: HttpRequest) -> HttpResponse:
    ticket = request.GET.get("ticket")
    if not identity_settings.CLIENT_CAS_SERVER_URL:
        return _failed(request, "This site is not set up to sign in through CAS.", 404)
    states = request.GET.getlist("state")
    started = flow.take(request, states[0]) if len(states) == 1 else None
    if started is None:  # not a sign-in this browser started (login CSRF), or expired: start one
        return HttpResponseRedirect(reverse("identity_client:login"))
    if not ticket:
        return _failed(request, "The sign-in server sent you back without signing you in.")
    try:
        # The service URL this state was sent with: a ticket issued for any other fails (§2.5.1).
        identity = validation.validate(ticket, str(started["service"]))
        user = local_user(identity)
    except validation.CasValidationError as exc:
        log.info("CAS sign-in failed: %s", exc.code)
        return _failed(request, f"Your sign-in could not be confirmed ({exc.description}).")
    except UnknownUser as exc:
        return _failed(request, str(exc))
    if not user.is_active:
        return _failed(request, "Your account on this site is disabled.")
    if request.user.is_authenticated and request.user.pk != user.pk:
        sign_out(request, EndReason.REPLACED)
    auth_login(request, user, backend=_backend())  # indexes the local session
    CasClientLogin.objects.create(ticket_digest=sha256_hex(ticket), session_sid=current_sid(request) or "")
    return HttpResponseRedirect(str(started["next"]))


def _single_logout(request: HttpRequest) -> HttpResponse:
    ticket = validation.logout_ticket(request.POST.get("logoutRequest", ""))
    if ticket is None:
        return HttpResponse("A logoutRequest with a SessionIndex is required.\n", status=400, content_type="text/plain")
    sids = CasClientLogin.objects.filter(ticket_digest=sha256_hex(ticket)).values_list("session_sid", flat=True)
    for row in UserSession.objects.live().filter(sid__in=list(sids)).select_related("user"):
        end_session(row, EndReason.REMOTE_LOGOUT)
    return HttpResponse("ok\n", content_type="text/plain")  # §2.3.3.2: success, known ticket or not


@csrf_exempt  # the POST comes from the CAS server, not a browser; it carries no cookie
@never_cache
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _single_logout(request)
    return _sign_in(request)
