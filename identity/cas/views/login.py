"""``/cas/login`` and ``/cas/logout``: the browser-facing half of CAS.

The identity provider's Django session is the single sign-on session (a documented deviation from a separate
ticket-granting cookie, as the main Django CAS servers do): one password sign-in serves CAS,
OpenID Connect and the site itself, and signing out of the site is signing out of CAS. When
credentials are needed, ``/cas/login`` shows identity's own sign-in form (throttled, CSRF
protected) and accepts it as the credential acceptor (§2.2), so a ticket issued in that request
is the only kind that is "from a new login" (``isFromNewLogin``, and what ``renew`` demands).

Parameters (§2.1.1, §2.2.1): ``service`` must be registered (a clear page otherwise, never a
redirect); ``renew`` always asks for the password and beats ``gateway``; ``gateway`` never asks
(back to the service without a ticket when there is no session); ``warn`` asks before single
sign-on reaches a service; ``method=POST`` sends the ticket with an auto-submitted form
instead of a redirect. Successful sign-ins redirect with 303 (Appendix B).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from identity.cas import tickets
from identity.cas.params import BadParameter, flag, single
from identity.cas.registry import MAX_SERVICE_LENGTH, RegisteredService, find_redirectable, parse_url, with_query
from identity.cas.views.common import cas_endpoint
from identity.core.authenticators import get_auth_method
from identity.core.pages import identity_page
from identity.sessions.models import UserSession
from identity.sessions.services import current_sid
from identity.sessions.views import LoginView

LOGIN_KEYS = ("service", "renew", "gateway", "warn", "method")
METHODS = ("GET", "POST")


class SeeOther(HttpResponseRedirect):
    status_code = 303


@dataclass(frozen=True)
class LoginParams:
    service: str | None
    entry: RegisteredService | None
    renew: bool
    gateway: bool
    warn: bool
    method: str


class UnknownService(Exception):
    pass


def _merged(request: HttpRequest) -> QueryDict:
    """The query string, plus the form's fields on a POST (a login form MAY carry ``service``,
    §2.1.3); the same value in both places counts once."""
    merged = request.GET.copy()
    if request.method == "POST":
        for key in LOGIN_KEYS:
            for value in request.POST.getlist(key):
                if value not in merged.getlist(key):
                    merged.appendlist(key, value)
    return merged


def login_params(request: HttpRequest) -> LoginParams:
    query = _merged(request)
    service = single(query, "service", max_length=MAX_SERVICE_LENGTH) or None
    method = (single(query, "method", max_length=10) or "GET").upper()
    if method not in METHODS:
        raise BadParameter("The 'method' parameter must be GET or POST.")
    entry = None
    if service is not None:
        entry = find_redirectable(service)
        if entry is None:
            raise UnknownService(service)
    return LoginParams(service, entry, flag(query, "renew"), flag(query, "gateway"), flag(query, "warn"), method)


def _page(request: HttpRequest, template: str, status: int = 200, **context: Any) -> HttpResponse:
    return render(request, f"identity/cas/{template}", context, status=status)


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return _page(request, "error.html", status, title=title, message=message)


def _live_row(request: HttpRequest, user: Any) -> UserSession | None:
    sid = current_sid(request)
    return UserSession.objects.live().filter(sid=sid, user=user).first() if sid else None


def sso_session(request: HttpRequest) -> UserSession | None:
    """The single sign-on session of this browser: its session cookie, with a live index row."""
    if get_auth_method(request) != "session":
        return None
    return _live_row(request, request.user)


def _grant(request: HttpRequest, params: LoginParams, row: UserSession, *, primary: bool) -> HttpResponse:
    """Issue a service ticket and send the browser to the service with it (§2.2.4)."""
    assert params.service is not None and params.entry is not None  # callers checked
    ticket = tickets.issue_service_ticket(
        user_id=row.user_id,
        service=params.service,
        session_sid=row.sid,
        auth_time=row.auth_time or row.created_at,
        primary=primary,
    )
    if params.method == "POST":
        return _page(
            request, "post_redirect.html", action=params.service, ticket=ticket, service_name=params.entry.name
        )
    return SeeOther(with_query(params.service, {"ticket": ticket}))


class CredentialsView(LoginView):
    """identity's sign-in form acting as the CAS credential requestor and acceptor."""

    cas: LoginParams | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.cas
        if params is not None and params.entry is not None:
            context["login_intro"] = f"Sign in to continue to {params.entry.name}."
        if params is not None and params.renew:
            context["login_intro"] = (context.get("login_intro", "") + " Please enter your password again.").strip()
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        super().form_valid(form)  # signs the user in: new session key, indexed session, auth_time = now
        params = self.cas
        row = _live_row(self.request, form.get_user())
        if params is None or params.service is None or row is None:
            return _page(self.request, "signed_in.html")
        return _grant(self.request, params, row, primary=True)


@identity_page
@cas_endpoint
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponseBase:
    try:
        params = login_params(request)
    except BadParameter as exc:
        return _error(request, 400, "This sign-in link is not valid", str(exc))
    except UnknownService as exc:
        host = getattr(parse_url(str(exc)), "host", None)
        where = f" ({host})" if host else ""
        return _error(
            request,
            403,
            "Unknown application",
            f"The application that sent you here{where} is not registered with this sign-in service, "
            "so you cannot be signed in to it. No ticket was issued.",
        )
    form = CredentialsView.as_view(cas=params)
    if request.method == "POST":
        if "confirm" in request.POST:  # the warn page's "Continue" (CSRF-checked by the middleware)
            row = sso_session(request)
            if row is not None and params.service is not None:
                return _grant(request, params, row, primary=False)
            return form(request) if row is None else _page(request, "signed_in.html")
        return form(request)  # credential acceptor (§2.2)
    row = None if params.renew else sso_session(request)
    if row is None:
        if params.gateway and not params.renew and params.service is not None:
            return SeeOther(params.service)  # §2.1.1: no session, no prompt, no ticket
        return form(request)
    if params.service is None:
        return _page(request, "signed_in.html")  # §2.1.1: "already logged in"
    if params.warn:  # §2.2.1: single sign-on "MUST NOT be transparent"
        parts = parse_url(params.service)
        name = params.entry.name if params.entry else ""
        return _page(request, "warn.html", service_name=name, host=parts.host if parts else "")
    return _grant(request, params, row, primary=False)


@identity_page
@cas_endpoint
@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    """§2.3: end the single sign-on session (which sends single logout to every service it
    reached), then go to ``service`` if it is registered. The CAS 2.0 ``url`` parameter is
    ignored, as §2.3.1 requires of a 3.0 server."""
    auth_logout(request)
    try:
        service = single(request.GET, "service", max_length=MAX_SERVICE_LENGTH)
    except BadParameter:
        service = None
    if service and find_redirectable(service) is not None:
        return SeeOther(service)
    return render(request, "identity/sessions/logged_out.html")
