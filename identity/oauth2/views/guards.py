"""Guards shared by the provider's views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from identity.conf import identity_settings


def provider_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """404 on a site that does not act as a provider (``IDENTITY["OAUTH2_PROVIDER"]``)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not identity_settings.OAUTH2_PROVIDER:
            raise Http404("This site is not an OAuth provider.")
        return view(request, *args, **kwargs)

    return wrapper
