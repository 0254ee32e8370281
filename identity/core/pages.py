"""identity's own HTML pages (sign-in, the Security page and its forms, consent, device approval,
sign-out, CAS login): one decorator gives each the two guarantees every such page needs.

* only an interactive browser session reaches it (:func:`identity.core.reach.session_only`):
  a bearer token, Basic or a JWT cookie never signs a page in, and never skips CSRF;
* it is never framed (clickjacking, RFC 9700 §4.16): ``X-Frame-Options: DENY`` and
  ``Content-Security-Policy: frame-ancestors 'none'`` are sent by the page itself, so a project
  whose middleware list lacks ``XFrameOptionsMiddleware`` is protected all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from identity.core.reach import SESSION_ONLY, session_only

FRAME_ANCESTORS = "frame-ancestors 'none'"

P = ParamSpec("P")
R = TypeVar("R", bound=HttpRequest)


def never_framed(response: HttpResponseBase) -> HttpResponseBase:
    """Forbid framing, keeping a stricter or richer policy the response already carries."""
    if "X-Frame-Options" not in response:
        response["X-Frame-Options"] = "DENY"
    policy = response.get("Content-Security-Policy")
    if not policy:
        response["Content-Security-Policy"] = FRAME_ANCESTORS
    elif "frame-ancestors" not in policy:
        response["Content-Security-Policy"] = f"{policy.rstrip('; ')}; {FRAME_ANCESTORS}"
    return response


def identity_page(view: Callable[Concatenate[R, P], Any]) -> Callable[Concatenate[R, P], HttpResponseBase]:
    """Decorate one of identity's HTML views (function, or ``View.as_view()``). The page keeps the
    view's parameters; it answers an :class:`HttpResponseBase` (the view's, or a refusal)."""
    guarded = session_only(view)

    @wraps(view)
    def wrapper(request: R, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        return never_framed(guarded(request, *args, **kwargs))

    wrapper.identity_accepts = SESSION_ONLY  # type: ignore[attr-defined]
    return wrapper
