"""Sign-in, sign-out and the Security page (the user's sessions, ended one by one or all)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from identity.core import mechanisms
from identity.core.authenticated import AuthenticatedHttpRequest
from identity.core.pages import identity_page
from identity.sessions import services
from identity.sessions.forms import ThrottledAuthenticationForm
from identity.sessions.models import EndReason, UserSession
from identity.sessions.signout import sign_out


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "identity/sessions/login.html"

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled.retry_after)
        return response

    def form_valid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        current = self.request.user
        if current.is_authenticated and current.pk != user.pk:
            # Another user signs in on this browser: end the previous user's session properly
            # (Django would only flush it, and nothing downstream would hear of it).
            sign_out(self.request, EndReason.REPLACED)
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    template_name = "identity/sessions/logged_out.html"


@identity_page
@never_cache
@login_required
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    sid = services.current_sid(request)
    live = list(UserSession.objects.live().filter(user=request.user).order_by("-last_seen"))
    history = list(UserSession.objects.filter(user=request.user, ended_at__isnull=False).order_by("-ended_at")[:10])
    # Each enabled mechanism's manifest names its sections; one returns None when its
    # mechanism has nothing to show on this site.
    sections = [found for found in (section(request) for section in mechanisms.security_sections()) if found]
    return render(
        request,
        "identity/sessions/security.html",
        {"sessions": live, "history": history, "current_sid": sid, "sections": sections},
    )


@identity_page
@require_POST
@login_required
def end_one(request: AuthenticatedHttpRequest, sid: str) -> HttpResponseRedirect:
    row = get_object_or_404(UserSession.objects.live(), sid=sid, user=request.user)
    if sid == services.current_sid(request):
        logout(request)
        return redirect(reverse("identity:login"))
    services.end_session(row, EndReason.ENDED_BY_USER)
    messages.success(request, f"Signed out {row.device}.")
    return redirect(reverse("identity:security"))


@identity_page
@require_POST
@login_required
def end_everywhere(request: AuthenticatedHttpRequest) -> HttpResponseRedirect:
    user = request.user
    sign_out(request, EndReason.EVERYWHERE)
    services.end_user_sessions(user, EndReason.EVERYWHERE)
    return redirect(reverse("identity:login") + "?everywhere=1")
