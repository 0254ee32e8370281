"""Building WSGI calls through Django's full handler (every middleware, URL resolution, DRF)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

#: The peers run behind the stack their own documentation sets up (Django's session and
#: authentication middleware); identity's middleware would answer their foreign tokens itself.
PEER_MIDDLEWARE = [
    "benchmarks.middleware.DjangoPerRequestEngineSessionMiddleware",  # Django's, store chosen per request
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

_handlers: dict[str, WSGIHandler] = {}


def handler(stack: str = "ours") -> WSGIHandler:
    if stack not in _handlers:
        if stack == "peers":
            from django.test import override_settings

            with override_settings(MIDDLEWARE=PEER_MIDDLEWARE):  # read once, when the chain is built
                _handlers[stack] = WSGIHandler()
        else:
            _handlers[stack] = WSGIHandler()
    return _handlers[stack]


def application(environ: dict[str, Any], start_response: Any) -> Any:
    """One WSGI application for gunicorn: /peer/… through the peers' stack, the rest through ours."""
    stack = "peers" if environ.get("PATH_INFO", "").startswith("/peer/") else "ours"
    return handler(stack)(environ, start_response)


class Failed(RuntimeError):
    pass


def wsgi_call(
    path: str, *, method: str = "GET", body: bytes = b"", expect: int = 200, **headers: str
) -> Callable[[], Any]:
    """A call that sends one request through the whole stack and checks its status."""
    base = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD=method, **headers)
    base.pop("wsgi.input", None)
    if body:
        base["CONTENT_LENGTH"] = str(len(body))
        base.setdefault("CONTENT_TYPE", "application/x-www-form-urlencoded")
    app = handler("peers" if path.startswith("/peer/") else "ours")
    status_holder: list[str] = []

    def start_response(status: str, response_headers: Any, exc_info: Any = None) -> None:
        status_holder.append(status)

    def call() -> Any:
        environ = dict(base)
        environ["wsgi.input"] = io.BytesIO(body)
        status_holder.clear()
        response = app(environ, start_response)
        for _ in response:
            pass
        response.close()
        if not status_holder[0].startswith(str(expect)):
            raise Failed(f"{method} {path} answered {status_holder[0]}, expected {expect}")

    return call
