"""oauthlib's request validator over identity's models.

oauthlib parses requests, orders the checks and shapes the errors; this class answers its
questions from the database. Where oauthlib is lax, the stricter rule is added here or in the
grant classes of :mod:`identity.oauth2.server`:

* client secrets are compared as keyed hashes in constant time; a client may use only one
  authentication method per request (RFC 6749 §2.3), and public clients may not present one,
  so they cannot introspect (RFC 7662 §2.1);
* codes, refresh tokens and device codes are consumed by one conditional UPDATE after every
  other check passed (:meth:`consume`), so of two parallel exchanges exactly one wins;
* a replayed code revokes everything issued from it (RFC 6749 §4.1.2), a reused refresh token
  revokes its family (RFC 9700 §4.14.2);
* a ``code_verifier`` for a code issued without a challenge is refused (RFC 9700 §4.8.2);
* a ``code_verifier`` outside RFC 7636 §4.1's grammar is a malformed request (``invalid_request``,
  RFC 6749 §5.2), refused before it is compared. Like a wrong verifier it does not spend the
  code (only :meth:`consume` does, once everything passed), and like any request it is checked
  after the replay check, so a spent code presented with it still revokes what it issued.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote

from django.db.models import F
from django.utils import timezone
from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc8628 import errors as device_errors
from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant
from oauthlib.openid.connect.core.request_validator import RequestValidator as OIDCRequestValidator

from identity.conf import identity_settings
from identity.core.crypto import sha256_hex
from identity.oauth2 import issuing, revocation
from identity.oauth2.context import MissingIssueContext, client_of, context_of
from identity.oauth2.models import (
    AuthorizationCode,
    Client,
    DeviceAuthorization,
    DeviceStatus,
    Grant,
    GrantType,
    OAuthRefreshToken,
    is_reserved_client_id,
)
from identity.oauth2.revocation import Reason

if TYPE_CHECKING:
    from django.contrib.auth.models import _User
    from oauthlib.oauth2.rfc6749.request_validator import _AuthorizationCode, _BearerToken

USER_SCOPES = {"openid", "profile", "email"}
#: RFC 7636 §4.1: code-verifier = 43*128unreserved; unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~".
CODE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")

# What validate_device_code answers (RFC 8628 §3.5): oauthlib 4's DeviceCodeGrant.DEVICE_CODE_*,
# which types-oauthlib does not list yet.
DEVICE_CODE_AUTHORIZED: str = DeviceCodeGrant.DEVICE_CODE_AUTHORIZED  # type: ignore[attr-defined]  # not in the stubs
DEVICE_CODE_PENDING: str = DeviceCodeGrant.DEVICE_CODE_PENDING  # type: ignore[attr-defined]  # not in the stubs
DEVICE_CODE_SLOW_DOWN: str = DeviceCodeGrant.DEVICE_CODE_SLOW_DOWN  # type: ignore[attr-defined]  # not in the stubs
DEVICE_CODE_EXPIRED: str = DeviceCodeGrant.DEVICE_CODE_EXPIRED  # type: ignore[attr-defined]  # not in the stubs
DEVICE_CODE_DENIED: str = DeviceCodeGrant.DEVICE_CODE_DENIED  # type: ignore[attr-defined]  # not in the stubs


def basic_credentials(request: OAuthRequest) -> tuple[str, str] | None:
    """``client_secret_basic``: both parts form-urlencoded before base64 (RFC 6749 §2.3.1)."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ("", "")
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return ("", "")
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


def find_client(client_id: str | None) -> Client | None:
    """The active client ``client_id`` names; never one holding the reserved first-party id,
    however the row came to exist (the form refuses it, a data migration or the shell may not).
    An id with a NUL byte names no client and never reaches the database (PostgreSQL refuses
    NUL in a query parameter: a 500 instead of ``invalid_client``)."""
    if not client_id or len(client_id) > 100 or "\x00" in client_id or is_reserved_client_id(client_id):
        return None
    return Client.objects.filter(client_id=client_id, is_active=True).first()


class RequestValidator(OIDCRequestValidator):
    """Where types-oauthlib is wrong, an override says so with a narrow ``type: ignore``: its
    ``client`` parameters name ``oauthlib.oauth2.rfc6749.clients.Client``, oauthlib's client-side
    class, where oauthlib passes ``request.client``, the :class:`~identity.oauth2.models.Client` row
    this validator set; and some answers it types ``str`` may be ``None``, which oauthlib handles (no
    default redirect URI, no code challenge or nonce stored, no ID token of our own)."""

    # --- clients ---------------------------------------------------------------------------
    def client_authentication_required(self, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        if context_of(request).client_auth_required:
            return True  # introspection (Server.validate_introspect_request)
        if basic_credentials(request) is not None or request.client_secret is not None:
            return True
        client = find_client(request.client_id)
        return client is None or client.is_confidential

    def authenticate_client(self, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        basic = basic_credentials(request)
        posted_secret = request.client_secret
        if basic is not None and posted_secret is not None:
            return False  # RFC 6749 §2.3: one authentication method per request
        if basic is not None:
            client_id, secret = basic
            if request.client_id and request.client_id != client_id:
                return False
        else:
            client_id, secret = request.client_id or "", posted_secret or ""
        client = find_client(client_id)
        if client is None or not client.is_confidential or not client.check_secret(secret):
            return False
        request.client = client
        request.client_id = client.client_id
        return True

    def authenticate_client_id(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        client = find_client(client_id)
        if client is None or client.is_confidential:
            return False
        request.client = client
        return True

    def validate_client_id(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        client = find_client(client_id)
        if client is None:
            return False
        request.client = client
        return True

    def validate_grant_type(  # type: ignore[override]  # stubs: oauthlib's client-side Client
        self, client_id: str, grant_type: str, client: Client, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        if grant_type == GrantType.CLIENT_CREDENTIALS and not client.is_confidential:
            return False
        return client.allows_grant(grant_type)

    def validate_response_type(  # type: ignore[override]  # stubs: oauthlib's client-side Client
        self, client_id: str, response_type: str, client: Client, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        # Only the code flow: no implicit or hybrid responses (RFC 9700 §2.1.2).
        return response_type == "code" and client.allows_grant(GrantType.AUTHORIZATION_CODE)

    # --- redirect URIs -------------------------------------------------------------------------
    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        return client_of(request).redirect_uri_allowed(redirect_uri)

    def get_default_redirect_uri(  # type: ignore[override]  # oauthlib takes None; stubs: str
        self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        return None  # redirect_uri is always required (OIDC Core §3.1.2.1), so nothing is guessed

    def confirm_redirect_uri(  # type: ignore[override]  # stubs: oauthlib's client-side Client
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: Client,
        request: OAuthRequest,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        stored = context_of(request).code
        return stored is not None and redirect_uri == stored.redirect_uri

    # --- scopes ------------------------------------------------------------------------------
    def validate_scopes(  # type: ignore[override]  # stubs: oauthlib's client-side Client
        self, client_id: str, scopes: list[str], client: Client, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        if request.grant_type == GrantType.CLIENT_CREDENTIALS and USER_SCOPES & set(scopes):
            return False  # no user, so nothing to sign in or describe
        return bool(scopes) and set(scopes) <= set(client.scope_list)

    def get_default_scopes(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> list[str]:
        client: Client | None = request.client
        if client is None:
            return []
        if request.grant_type == GrantType.CLIENT_CREDENTIALS:
            return [s for s in client.scope_list if s not in USER_SCOPES]
        return client.scope_list

    # --- PKCE ----------------------------------------------------------------------------------
    def is_pkce_required(self, client_id: str, request: OAuthRequest) -> bool:
        client: Client | None = request.client or find_client(client_id)
        return client is None or client.pkce_required

    def get_code_challenge(  # type: ignore[override]  # oauthlib takes None; stubs: str
        self, code: str, request: OAuthRequest
    ) -> str | None:
        stored = context_of(request).code
        return (stored.code_challenge or None) if stored else None

    def get_code_challenge_method(  # type: ignore[override]  # oauthlib takes None; stubs: str
        self, code: str, request: OAuthRequest
    ) -> str | None:
        stored = context_of(request).code
        return (stored.code_challenge_method or None) if stored else None

    # --- authorization codes ---------------------------------------------------------------------
    def save_authorization_code(
        self, client_id: str, code: _AuthorizationCode, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        now = timezone.now()
        context = context_of(request)  # the session's, from the authorization view
        # oauthlib saves a code only once the request is valid: redirect_uri was present and allowed,
        # and the user is the authorization view's credential (a signed-in user).
        AuthorizationCode.objects.create(
            created_at=now,
            expires_at=now + timedelta(seconds=identity_settings.OAUTH2_CODE_LIFETIME),
            digest=sha256_hex(code["code"]),
            client=client_of(request),
            user=cast("_User", request.user),
            session_sid=context.sid,
            redirect_uri=cast(str, request.redirect_uri),
            scope=" ".join(request.scopes or []),
            nonce=request.nonce or "",
            code_challenge=request.code_challenge or "",
            code_challenge_method=(request.code_challenge_method or "") if request.code_challenge else "",
            auth_time=context.auth_time,
        )

    def _load_code(self, code: str | None) -> AuthorizationCode | None:
        if not code or len(code) > 512:
            return None
        return AuthorizationCode.objects.select_related("client", "user").filter(digest=sha256_hex(code)).first()

    def validate_code(  # type: ignore[override]  # stubs: oauthlib's client-side Client
        self, client_id: str, code: str, client: Client, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        stored = self._load_code(code)
        if stored is None or stored.client_id != client.pk:
            return False
        if stored.used_at is not None:
            self._code_replayed(stored)
            raise errors.InvalidGrantError(description="The authorization code was already used.", request=request)
        if stored.expires_at <= timezone.now():
            raise errors.InvalidGrantError(description="The authorization code has expired.", request=request)
        self._check_verifier_format(request)
        if not stored.code_challenge and request.code_verifier is not None:
            # RFC 9700 §4.8.2: a verifier for a code requested without a challenge is a downgrade.
            raise errors.InvalidGrantError(
                description="code_verifier sent, but the authorization request had no code_challenge.",
                request=request,
            )
        if not stored.user.is_active:
            return False
        context = context_of(request)
        context.code, context.sid, context.auth_time = stored, stored.session_sid, stored.auth_time
        request.user = stored.user
        request.scopes = stored.scope.split()
        request.nonce = stored.nonce or None
        return True

    def _check_verifier_format(self, request: OAuthRequest) -> None:
        """RFC 7636 §4.1: a verifier outside the grammar (too short, too long, or with characters
        beyond the unreserved set) is malformed, not merely wrong, so it is ``invalid_request``
        (RFC 6749 §5.2) rather than the ``invalid_grant`` of a verifier that does not match (§4.6)."""
        if request.code_verifier is None:
            return  # missing: oauthlib answers invalid_request when the code had a challenge
        if "code_verifier" in request.duplicate_params:
            raise errors.InvalidRequestError(description="Duplicate code_verifier parameter.", request=request)
        if not isinstance(request.code_verifier, str) or not CODE_VERIFIER.fullmatch(request.code_verifier):
            raise errors.InvalidRequestError(
                description="code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'.",
                request=request,
            )

    def _code_replayed(self, stored: AuthorizationCode) -> None:
        revocation.revoke_grants(Grant.objects.filter(code=stored), Reason.CODE_REPLAYED)

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        """Nothing to do: :meth:`consume` spent the code before any token was created."""

    def get_authorization_code_scopes(
        self, client_id: str, code: str, redirect_uri: str, request: OAuthRequest
    ) -> list[str]:
        stored = self._load_code(code)
        return stored.scope.split() if stored else []

    def get_authorization_code_nonce(  # type: ignore[override]  # oauthlib takes None; stubs: str
        self, client_id: str, code: str, redirect_uri: str, request: OAuthRequest
    ) -> str | None:
        stored = context_of(request).code
        return (stored.nonce or None) if stored else None

    # --- refresh tokens --------------------------------------------------------------------------
    def validate_refresh_token(  # type: ignore[override]  # stubs: oauthlib's client-side Client
        self, refresh_token: str, client: Client, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        if not refresh_token or len(refresh_token) > 512:
            return False
        stored = (
            OAuthRefreshToken.objects.select_related("grant", "grant__user", "grant__client")
            .filter(digest=sha256_hex(refresh_token))
            .first()
        )
        if stored is None or stored.grant.client_id != client.pk:
            return False
        grant = stored.grant
        if stored.used_at is not None:
            revocation.revoke_grants([grant], Reason.REFRESH_REUSED)
            return False
        now = timezone.now()
        if not grant.is_live or stored.expires_at <= now or grant.user is None or not grant.user.is_active:
            return False
        context = context_of(request)
        context.refresh, context.grant = stored, grant
        context.sid, context.auth_time = grant.session_sid, grant.auth_time
        request.user = grant.user
        return True

    def get_original_scopes(self, refresh_token: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> list[str]:
        grant = context_of(request).grant
        if grant is None:  # oauthlib asks only after validate_refresh_token() accepted the token
            raise MissingIssueContext("get_original_scopes() before validate_refresh_token() found the grant.")
        return grant.scope.split()

    def rotate_refresh_token(self, request: OAuthRequest) -> bool:
        return True

    # --- device codes ------------------------------------------------------------------------
    def validate_device_code(
        self, client_id: str, code: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> str | None:
        if not code or len(code) > 512:
            return None
        stored = (
            DeviceAuthorization.objects.select_related("user")
            .filter(device_code_digest=sha256_hex(code), client=request.client)
            .first()
        )
        if stored is None:
            return None
        now = timezone.now()
        if stored.status == DeviceStatus.USED:
            return None
        if stored.expires_at <= now:
            return DEVICE_CODE_EXPIRED
        if stored.status == DeviceStatus.DENIED:
            return DEVICE_CODE_DENIED
        if stored.status == DeviceStatus.PENDING:
            return self._poll(stored, now)
        context = context_of(request)
        context.device, context.sid, context.auth_time = stored, stored.session_sid, stored.auth_time
        request.user = stored.user
        request.scopes = stored.scope.split()
        return DEVICE_CODE_AUTHORIZED

    def _poll(self, stored: DeviceAuthorization, now: Any) -> str:
        """RFC 8628 §3.5: polling faster than ``interval`` earns ``slow_down`` and 5 s more."""
        too_early = stored.last_polled_at is not None and now - stored.last_polled_at < timedelta(
            seconds=stored.interval
        )
        if too_early:
            DeviceAuthorization.objects.filter(pk=stored.pk).update(interval=F("interval") + 5, last_polled_at=now)
            return DEVICE_CODE_SLOW_DOWN
        DeviceAuthorization.objects.filter(pk=stored.pk).update(last_polled_at=now)
        return DEVICE_CODE_PENDING

    # --- consuming single-use grants (a post_token validator of every grant type) -----------
    def consume(self, request: OAuthRequest) -> None:
        """Spend the code, refresh token or device code with one conditional UPDATE; the loser
        of a race (or a replay) is refused and the family it belongs to revoked."""
        now = timezone.now()
        context = context_of(request)
        code = context.code
        if code is not None:
            if not AuthorizationCode.objects.filter(pk=code.pk, used_at__isnull=True).update(used_at=now):
                self._code_replayed(code)
                raise errors.InvalidGrantError(description="The authorization code was already used.")
            return
        refresh = context.refresh
        if refresh is not None:
            if not OAuthRefreshToken.objects.filter(pk=refresh.pk, used_at__isnull=True).update(used_at=now):
                revocation.revoke_grants([refresh.grant], Reason.REFRESH_REUSED)
                raise errors.InvalidGrantError(description="The refresh token was already used.")
            return
        device = context.device
        if device is not None:
            claimed = DeviceAuthorization.objects.filter(pk=device.pk, status=DeviceStatus.APPROVED).update(
                status=DeviceStatus.USED
            )
            if not claimed:
                raise device_errors.ExpiredTokenError(description="The device code was already used.")

    # --- tokens ------------------------------------------------------------------------------
    def save_bearer_token(self, token: _BearerToken, request: OAuthRequest, *args: Any, **kwargs: Any) -> None:
        issuing.save(request)

    def revoke_token(
        self, token: str, token_type_hint: str | None, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        from identity.oauth2 import lookup

        client = client_of(request)
        found = lookup.find_token(token, token_type_hint, client)
        if found is None or found.grant.client_id != client.pk:
            return  # RFC 7009 §2.2: unknown or someone else's token: 200 and nothing happens
        revocation.revoke_grants([found.grant], Reason.REVOKED_BY_CLIENT)

    def introspect_token(
        self, token: str, token_type_hint: str | None, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any] | None:
        from identity.oauth2 import lookup

        return lookup.introspect(token, token_type_hint, client_of(request))

    # --- OpenID Connect ------------------------------------------------------------------------
    def get_id_token(  # type: ignore[override]  # oauthlib takes None; stubs: str
        self, token: dict[str, Any], token_handler: Any, request: OAuthRequest
    ) -> None:
        return None  # let oauthlib start the token; finalize_id_token completes and signs it

    def finalize_id_token(
        self, id_token: dict[str, Any], token: dict[str, Any], token_handler: Any, request: OAuthRequest
    ) -> str:
        return issuing.id_token(id_token, token, request)

    def refresh_id_token(self, request: OAuthRequest) -> bool:
        return "openid" in (request.scopes or [])

    # prompt=none, max_age and id_token_hint need the browser session, so the authorization
    # view decides them (identity.oauth2.views.authorize) before oauthlib issues a code.
    def validate_silent_authorization(self, request: OAuthRequest) -> bool:
        return True

    def validate_silent_login(self, request: OAuthRequest) -> bool:
        return True

    def validate_user_match(self, id_token_hint: Any, scopes: Any, claims: Any, request: OAuthRequest) -> bool:
        return True
