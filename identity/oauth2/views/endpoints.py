"""The back-channel endpoints clients call directly: token (RFC 6749 §3.2), revocation (RFC
7009), introspection (RFC 7662) and device authorization (RFC 8628 §3.1). All POST-only,
form-encoded, CSRF-exempt (no browser and no cookie is involved), answered in OAuth's JSON
error shape and never cached."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth2.rfc6749 import errors

from identity.conf import identity_settings
from identity.core.crypto import sha256_hex
from identity.core.jose.issuer import issuer
from identity.core.middleware import reads_authorization
from identity.core.parsing import guarded
from identity.exceptions import Throttled
from identity.oauth2 import protocol, throttles, user_codes
from identity.oauth2.context import client_of
from identity.oauth2.issuing import opaque_token
from identity.oauth2.models import DeviceAuthorization, GrantType
from identity.oauth2.server import get_server
from identity.oauth2.validator import basic_credentials
from identity.oauth2.views.guards import provider_view


def _precheck(request: HttpRequest) -> HttpResponse | None:
    """What every back-channel endpoint refuses before looking at the request's content."""
    if request.method != "POST":
        return protocol.error_json("invalid_request", "Use POST.", 405, {"Allow": "POST"})
    if request.GET:
        # Credentials and tokens never travel in a URL (RFC 6749 §3.2, RFC 6750 §2.3).
        return protocol.error_json("invalid_request", "Send parameters in the request body, not in the URL.")
    if not protocol.is_form(request):
        return protocol.error_json("invalid_request", "The body must be application/x-www-form-urlencoded.")
    try:
        throttles.client_failures(request).check()
    except Throttled as exc:
        return _throttled(exc)
    return None


def _throttled(exc: Throttled) -> HttpResponse:
    return protocol.error_json("slow_down", exc.description, 429, {"Retry-After": str(exc.retry_after)})


def _call(request: HttpRequest, produce: Callable[[], tuple[Any, Any, int]]) -> HttpResponse:
    try:
        response = protocol.render(*produce())
    except errors.OAuth2Error as exc:
        response = protocol.from_error(exc)
    except ValueError:  # oauthlib's strict form decoding
        response = protocol.error_json("invalid_request", "The request could not be parsed.")
    if protocol.error_of(response) == "invalid_client":
        throttles.client_failures(request).hit()
    return response


def _client_id(request: HttpRequest) -> str:
    basic = basic_credentials(OAuthRequest("", headers=protocol.oauthlib_headers(request)))
    return (basic[0] if basic else request.POST.get("client_id", ""))[:100]


def back_channel(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """What the back-channel endpoints share: their own Authorization header (client
    credentials), no CSRF (no cookie involved), a request identity can read
    (:mod:`identity.core.parsing`), :func:`_precheck` before the view runs, and the secrets
    they receive masked in error reports."""

    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        return _precheck(request) or view(request)

    readable = guarded(protocol.bad_input)(wrapper)
    return reads_authorization(csrf_exempt(provider_view(sensitive_post_parameters(*SECRET_PARAMS)(readable))))


#: Body parameters carrying secrets (RFC 6749 §2.3.1, §4.1.3, §4.3.2, §6; RFC 7636 §4.5; RFC
#: 7009 §2.1; RFC 7662 §2.1; RFC 8628 §3.4; RFC 7523 §2.2).
SECRET_PARAMS = (
    "client_secret",
    "code",
    "code_verifier",
    "refresh_token",
    "password",
    "device_code",
    "token",
    "client_assertion",
    "assertion",
)


#: An oauthlib endpoint method called as ``(uri, "POST", body, headers)``.
Endpoint = Callable[[str, Literal["POST"], str, dict[str, str]], tuple[Any, Any, int]]


def _oauthlib(request: HttpRequest, allowed: frozenset[str], endpoint: Endpoint) -> HttpResponse:
    body = protocol.form_body(protocol.params(request.POST, allowed))
    uri, headers = protocol.endpoint_uri(request), protocol.oauthlib_headers(request)
    return _call(request, lambda: endpoint(uri, "POST", body, headers))


@back_channel
def token(request: HttpRequest) -> HttpResponse:
    limit = throttles.token_requests(request, _client_id(request))
    try:
        limit.check()
    except Throttled as exc:
        return _throttled(exc)
    limit.hit()
    with transaction.atomic():
        return _oauthlib(request, protocol.TOKEN_PARAMS, get_server().create_token_response)


@back_channel
def revoke(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        return _oauthlib(request, protocol.TOKEN_INFO_PARAMS, get_server().create_revocation_response)


def _presents_a_secret(request: HttpRequest) -> bool:
    """Whether the request carries a client secret at all: ``client_secret_basic`` with a
    non-empty secret, or a non-empty ``client_secret`` in the body (RFC 6749 §2.3.1). Any other
    ``Authorization`` header (``Bearer …``) or an empty secret is no client authentication."""
    basic = basic_credentials(OAuthRequest("", headers=protocol.oauthlib_headers(request)))
    if basic is not None:
        return bool(basic[0] and basic[1])
    return bool(request.POST.get("client_secret"))


@back_channel
def introspect(request: HttpRequest) -> HttpResponse:
    if not _presents_a_secret(request):
        # RFC 7662 §2.1: the caller must be authorized; a bare (public) client_id proves nothing.
        # The server checks the secret, and that the client is confidential, in the validator.
        throttles.client_failures(request).hit()
        return protocol.render({}, '{"error": "invalid_client"}', 401)
    return _oauthlib(request, protocol.TOKEN_INFO_PARAMS, get_server().create_introspect_response)


@back_channel
def device_authorization(request: HttpRequest) -> HttpResponse:
    """RFC 8628 §3.1–3.2: a device code for the device, a short user code for its user."""
    body = protocol.form_body(protocol.params(request.POST, protocol.DEVICE_PARAMS))
    oauth_request = OAuthRequest(protocol.endpoint_uri(request), "POST", body, protocol.oauthlib_headers(request))
    oauth_request.grant_type = GrantType.DEVICE_CODE
    response = _call(request, lambda: _validate_device_request(oauth_request))
    if response.status_code != 200:
        return response
    return _start_device_flow(request, oauth_request)


def _validate_device_request(oauth_request: OAuthRequest) -> tuple[dict[str, str], str, int]:
    get_server().validate_device_authorization_request(oauth_request)
    if not client_of(oauth_request).allows_grant(GrantType.DEVICE_CODE):
        raise errors.UnauthorizedClientError(description="This client may not use the device flow.")
    return {}, "{}", 200


def _start_device_flow(request: HttpRequest, oauth_request: OAuthRequest) -> HttpResponse:
    from datetime import timedelta

    from django.utils import timezone

    lifetime = identity_settings.OAUTH2_DEVICE_CODE_LIFETIME
    interval = identity_settings.OAUTH2_DEVICE_POLL_INTERVAL
    device_code = opaque_token()
    for _attempt in range(5):
        user_code = user_codes.generate()
        try:
            with transaction.atomic():
                DeviceAuthorization.objects.create(
                    client=client_of(oauth_request),
                    device_code_digest=sha256_hex(device_code),
                    user_code=user_code,
                    scope=" ".join(oauth_request.scopes or []),
                    interval=interval,
                    expires_at=timezone.now() + timedelta(seconds=lifetime),
                )
            break
        except IntegrityError:  # the same user code is live already: draw another
            continue
    else:
        return protocol.error_json("temporarily_unavailable", "Try again.", 503)
    verification_uri = issuer() + reverse("identity:oauth2-device")
    shown = user_codes.display(user_code)
    response = JsonResponse(
        {
            "device_code": device_code,
            "user_code": shown,
            "verification_uri": verification_uri,
            "verification_uri_complete": f"{verification_uri}?user_code={shown}",
            "expires_in": lifetime,
            "interval": interval,
        }
    )
    for key, value in protocol.NO_STORE.items():
        response[key] = value
    return response
