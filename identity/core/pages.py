"""identity's own HTML pages (sign-in, the Security page and its forms, consent, device approval,
sign-out, CAS login): one decorator gives each the guarantees every such page needs.

* only an interactive browser session reaches it (:func:`identity.core.reach.session_only`):
  a bearer token, Basic or a JWT cookie never signs a page in, and never skips CSRF;
* a request it cannot read (too large, not UTF-8, a control character in a field: see
  :mod:`identity.core.parsing`) is answered with identity's own error page, never a 500 or
  Django's debug page;
* its form fields never appear in an error report (``sensitive_post_parameters``: passwords,
  codes);
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
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters

from identity.core.parsing import BadInput, guarded
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


def bad_input_page(request: HttpRequest, error: BadInput) -> HttpResponseBase:
    """identity's error page for a request it cannot read (400, or 413 for a body too large)."""
    title = "Request too large" if error.status_code == 413 else "Bad request"
    context = {"title": title, "message": error.description}
    return never_framed(render(request, "identity/bad_request.html", context, status=error.status_code))


def identity_page(view: Callable[Concatenate[R, P], Any]) -> Callable[Concatenate[R, P], HttpResponseBase]:
    """Decorate one of identity's HTML views (function, or ``View.as_view()``). The page keeps the
    view's parameters; it answers an :class:`HttpResponseBase` (the view's, or a refusal)."""
    # Every POST parameter is masked in error reports: the pages take passwords and codes.
    guarded_view = session_only(sensitive_post_parameters()(guarded(bad_input_page)(view)))

    @wraps(view)
    def wrapper(request: R, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        return never_framed(guarded_view(request, *args, **kwargs))

    wrapper.identity_accepts = SESSION_ONLY  # type: ignore[attr-defined]
    wrapper.identity_bad_input = bad_input_page  # type: ignore[attr-defined]
    return wrapper
