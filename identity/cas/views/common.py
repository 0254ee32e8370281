"""What every CAS response carries: no caching (Appendix B asks for ``Cache-Control: no-store``,
``Pragma: no-cache`` and an ``Expires`` in the past) and a referrer policy that keeps URLs
holding services or tickets from leaking to other sites through the Referer header.

Redirects (which carry tickets) and server-to-server documents get ``no-referrer``. HTML pages
get ``same-origin``: their address never leaves the site either, and the browser still sends a
real ``Origin`` with the page's own CSRF-protected forms (the sign-in form, "Continue", "Sign
out"); under ``no-referrer`` it sends ``Origin: null``, which Django's CSRF check refuses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers


def cas_endpoint(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, ...; Expires: now
        response["Pragma"] = "no-cache"
        page = response.get("Content-Type", "").startswith("text/html") and not 300 <= response.status_code < 400
        response["Referrer-Policy"] = "same-origin" if page else "no-referrer"
        return response

    return wrapped
