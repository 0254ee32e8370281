"""Benchmark-only: one process measures the three session stores side by side, so the store is
chosen per request by a header instead of by SESSION_ENGINE. Everything else is identity's own
SessionMiddleware (the same Secure-cookie handling, the same cost)."""

from __future__ import annotations

from importlib import import_module

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest

from identity.sessions.middleware import SessionMiddleware

ENGINES = {
    name: import_module(f"django.contrib.sessions.backends.{name}").SessionStore
    for name in ("db", "cache", "cached_db")
}


class PerRequestEngineSessionMiddleware(SessionMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        self.SessionStore = ENGINES[request.META.get("HTTP_X_BENCH_SESSION_ENGINE", "db")]
        super().process_request(request)


class DjangoPerRequestEngineSessionMiddleware(DjangoSessionMiddleware):
    """The same choice of store for the peers, on Django's own SessionMiddleware."""

    def process_request(self, request: HttpRequest) -> None:
        self.SessionStore = ENGINES[request.META.get("HTTP_X_BENCH_SESSION_ENGINE", "db")]
        super().process_request(request)
