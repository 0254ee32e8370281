from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from identity.core.middleware import reads_authorization
from identity.oauth2.metadata import document
from identity.oauth2.views.guards import provider_view

#: Metadata changes only with settings and key rotation; clients may cache it this long.
CACHE_SECONDS = 3600


@reads_authorization  # a public document (RFC 8414 §3): credentials sent with it are not ours to judge
@require_GET
@provider_view
def metadata(request: HttpRequest) -> JsonResponse:
    """``/.well-known/openid-configuration`` and ``/.well-known/oauth-authorization-server``."""
    response = JsonResponse(document())
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"  # public metadata, read by browser apps too
    return response
