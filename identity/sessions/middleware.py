"""Django's SessionMiddleware with safe cookie defaults.

Use it in place of ``django.contrib.sessions.middleware.SessionMiddleware`` (a subclass, so the
admin's check is satisfied). It adds ``Secure`` to the session and CSRF cookies whenever
``IDENTITY["SECURE_COOKIES"]`` is on, which by default means whenever DEBUG is off: a project
that forgets ``SESSION_COOKIE_SECURE`` in production still never sends its session over plain
http. HttpOnly and SameSite=Lax are Django's defaults, which a system check guards.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse

from identity.conf import identity_settings


def secure_cookies() -> bool:
    value = identity_settings.SECURE_COOKIES
    return (not settings.DEBUG) if value is None else bool(value)


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        if secure_cookies():
            # CsrfViewMiddleware sits below this one, so its cookie is already set here.
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                morsel = response.cookies.get(name)
                if morsel is not None:
                    morsel["secure"] = True
        return response
