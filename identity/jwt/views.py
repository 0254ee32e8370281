"""``/.well-known/jwks.json``. The token endpoints (``/api/auth/jwt/``, ``…/refresh/``,
``…/revoke/``) are DRF views: :mod:`identity.contrib.rest_framework.jwt_views`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from identity.conf import identity_settings
from identity.core.middleware import reads_authorization
from identity.jwt import keys


@reads_authorization  # a public document: whatever credential comes with the request is not ours to judge
@require_safe
def jwks_view(request: HttpRequest) -> JsonResponse:
    """The JWK Set (RFC 7517 §5). Cached by verifiers for ``JWT_JWKS_MAX_AGE`` seconds, which
    is why a new key is published that long before it signs."""
    if not identity_settings.JWT_ENABLED:
        raise Http404("JWTs are switched off on this site.")
    if keys.default_algorithm() in keys.SIGNS_ASYMMETRIC:
        keys.signing_key()  # the first key is created on first use, publishing included
    response = JsonResponse(keys.jwks())
    response["Cache-Control"] = f"public, max-age={identity_settings.JWT_JWKS_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"  # public keys, for verifiers running in browsers too
    return response
