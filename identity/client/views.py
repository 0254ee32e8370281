"""``/accounts/login/`` and ``/accounts/logout/`` on a site that signs in through a provider."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout as django_logout
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from identity.client.flows import current_flow


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """A local redirect target only: never an open redirect to another site."""
    fallback = settings.LOGIN_REDIRECT_URL or "/"
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return str(fallback)


@never_cache
def login(request: HttpRequest) -> HttpResponse:
    return current_flow().start(request, safe_next(request, request.GET.get("next")))


@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    was_signed_in = request.user.is_authenticated
    django_logout(request)
    return current_flow().end(request, was_signed_in)
