"""oauthlib's endpoints, assembled with only the grants identity offers and its stricter rules.

* Authorization: the code flow only (no implicit or hybrid: RFC 9700 §2.1.2), with PKCE S256
  only. oauthlib accepts ``plain`` and even defaults a missing method to it (RFC 7636 §4.3);
  here a missing or ``plain`` method is refused (RFC 9700 §2.1.1).
* Token: authorization code, refresh token, client credentials and device code. No password
  grant (RFC 9700 §2.4). Every grant ends its checks with :meth:`RequestValidator.consume`.
* Revocation (a public client names itself by ``client_id``, RFC 7009 §2.1) and introspection
  (client authentication required, RFC 7662 §2.1).
* Every request to every endpoint is first checked by :func:`refuse_repeated`: oauthlib checks
  duplicates of only a few parameters per grant, and late (after the code or refresh token was
  looked up, which answers ``invalid_grant``), and a token request without ``grant_type`` would
  fall to the default grant (``unsupported_grant_type``); both are ``invalid_request``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.endpoints.authorization import AuthorizationEndpoint
from oauthlib.oauth2.rfc6749.endpoints.introspect import IntrospectEndpoint
from oauthlib.oauth2.rfc6749.endpoints.revocation import RevocationEndpoint
from oauthlib.oauth2.rfc6749.endpoints.token import TokenEndpoint
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import (
    AuthorizationCodeGrant as OAuth2AuthorizationCodeGrant,
)
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256
from oauthlib.oauth2.rfc6749.grant_types.client_credentials import ClientCredentialsGrant
from oauthlib.oauth2.rfc6749.request_validator import RequestValidator as OAuth2RequestValidator
from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant
from oauthlib.openid.connect.core.grant_types.authorization_code import (
    AuthorizationCodeGrant as OIDCAuthorizationCodeGrant,
)
from oauthlib.openid.connect.core.grant_types.dispatchers import (
    AuthorizationCodeGrantDispatcher,
    AuthorizationTokenGrantDispatcher,
)
from oauthlib.openid.connect.core.grant_types.refresh_token import RefreshTokenGrant

from identity.conf import on_reload
from identity.oauth2 import issuing
from identity.oauth2.context import attach
from identity.oauth2.issuing import TokenHandler
from identity.oauth2.models import GrantType
from identity.oauth2.validator import RequestValidator, basic_credentials


def refuse_repeated(request: Any) -> dict[str, Any]:
    """RFC 6749 §3.1 and §3.2: "Request and response parameters MUST NOT be included more than
    once", and §4.1.2.1 / §5.2 name that ``invalid_request`` (so do RFC 7009 §2.2.1, RFC 7662
    §2.3 and RFC 8628 §3.2 by reference). Only the endpoint's own parameters reach oauthlib
    (:func:`identity.oauth2.protocol.params`), empty ones dropped (§3.1), so any duplicate left is
    a protocol parameter. Returns ``{}`` to serve as an authorization ``pre_auth`` validator: it
    runs there once the client and redirect URI are known good, so the error is redirected."""
    try:
        repeated = request.duplicate_params
    except ValueError:  # oauthlib's strict decoding: the body cannot be parsed at all
        raise errors.InvalidRequestError("The request could not be parsed.", request=request) from None
    if repeated:
        raise errors.InvalidRequestError(f"Duplicate {sorted(repeated)[0]} parameter.", request=request)
    return {}


class S256CodeGrant(OAuth2AuthorizationCodeGrant):
    """The code grant with S256 as the only PKCE method."""

    _code_challenge_methods = {"S256": code_challenge_method_s256}


class OIDCCodeGrant(OIDCAuthorizationCodeGrant):
    """OpenID Connect's code grant over :class:`S256CodeGrant`."""

    def __init__(self, request_validator: Any = None, **kwargs: Any) -> None:
        self.proxy_target = S256CodeGrant(request_validator=request_validator, **kwargs)
        self.custom_validators.post_auth.append(self.openid_authorization_validator)
        self.register_token_modifier(self.add_id_token)


class OIDCDeviceCodeGrant(DeviceCodeGrant):
    """The device grant, with an ID token when ``openid`` was granted: oauthlib's device grant
    runs no token modifiers, so a CLI would not learn who signed in."""

    #: Never None once built: oauthlib's ``__init__`` falls back to its own validator (types-oauthlib
    #: types the attribute ``| None``, as the class attribute it shadows is).
    request_validator: OAuth2RequestValidator

    def create_token_response(self, request: Any, token_handler: Any) -> tuple[dict[str, str], str, int]:
        headers = self._get_default_headers()  # type: ignore[attr-defined]  # not in types-oauthlib (pinned)
        try:
            self.validate_token_request(request)
        except errors.OAuth2Error as exc:
            headers.update(exc.headers)
            return headers, exc.json, exc.status_code
        token = token_handler.create_token(request, self.refresh_token)
        if "openid" in (request.scopes or []):
            token["id_token"] = issuing.id_token({}, token, request)
        self.request_validator.save_token(token, request)
        return headers, json.dumps(token), 200


class Server(AuthorizationEndpoint, TokenEndpoint, RevocationEndpoint, IntrospectEndpoint):
    def __init__(self, validator: RequestValidator) -> None:
        self.validator = validator
        self.token_handler = TokenHandler(validator)
        # Every grant ends its checks with consume(), its one post-token validator.
        oauth_code = S256CodeGrant(validator, pre_auth=[refuse_repeated], post_token=[validator.consume])
        oidc_code = OIDCCodeGrant(validator, pre_auth=[refuse_repeated], post_token=[validator.consume])
        refresh = RefreshTokenGrant(validator, post_token=[validator.consume])
        credentials = ClientCredentialsGrant(validator, post_token=[validator.consume])
        self.device_grant = OIDCDeviceCodeGrant(validator, post_token=[validator.consume])
        AuthorizationEndpoint.__init__(
            self,
            default_response_type="code",
            response_types={"code": AuthorizationCodeGrantDispatcher(oauth_code, oidc_code)},
            default_token_type=self.token_handler,  # type: ignore[arg-type]  # a token handler; types-oauthlib says str
        )
        TokenEndpoint.__init__(
            self,
            default_grant_type=GrantType.AUTHORIZATION_CODE,
            grant_types={
                GrantType.AUTHORIZATION_CODE: AuthorizationTokenGrantDispatcher(validator, oauth_code, oidc_code),
                GrantType.REFRESH_TOKEN: refresh,
                GrantType.CLIENT_CREDENTIALS: credentials,
                GrantType.DEVICE_CODE: self.device_grant,
            },
            default_token_type=self.token_handler,  # type: ignore[arg-type]  # a token handler; types-oauthlib says str
        )
        RevocationEndpoint.__init__(self, validator)
        IntrospectEndpoint.__init__(self, validator)

    # Every request the validator sees starts with its context (identity.oauth2.context); the
    # authorization endpoint's comes from the view, through ``credentials``.

    def validate_token_request(self, request: Any) -> None:
        """RFC 6749 §4.1.3, §4.4.2, §6; RFC 8628 §3.4: ``grant_type`` is REQUIRED; without it the
        request is ``invalid_request`` (§5.2), not a grant of the endpoint's default type."""
        attach(request)
        refuse_repeated(request)
        if not request.grant_type:
            raise errors.InvalidRequestError("The grant_type parameter is required.", request=request)
        super().validate_token_request(request)

    def validate_revocation_request(self, request: Any) -> None:
        attach(request)
        refuse_repeated(request)
        super().validate_revocation_request(request)

    def validate_introspect_request(self, request: Any) -> None:
        """RFC 7662 §2.1: only an authenticated (so confidential) client may introspect; oauthlib
        would accept a public client's bare ``client_id`` as it does for revocation."""
        attach(request).client_auth_required = True
        refuse_repeated(request)
        super().validate_introspect_request(request)

    def validate_device_authorization_request(self, request: Any) -> None:
        """RFC 8628 §3.1, checked by the device grant (no oauthlib endpoint is used for it)."""
        attach(request)
        refuse_repeated(request)
        if not request.client_id:
            # RFC 8628 §3.1: ``client_id`` is REQUIRED only of a client that does not authenticate
            # (RFC 6749 §3.2.1); oauthlib always asks for it, so client_secret_basic names the client.
            basic = basic_credentials(request)
            if basic and basic[0]:
                request.client_id = basic[0]
        # oauthlib 4's DeviceCodeGrant has this method (pinned in tests/oauth2/test_oauthlib_pins.py);
        # types-oauthlib does not list it yet.
        try:
            self.device_grant.validate_device_authorization_request(request)  # type: ignore[attr-defined]
        except errors.InvalidClientIdError:
            # oauthlib calls an unknown client_id invalid_request; RFC 8628 §3.2 answers with RFC 6749
            # §5.2's codes, where an unknown client is invalid_client (401, and throttled as one).
            raise errors.InvalidClientError(request=request) from None


@lru_cache(maxsize=1)
def get_server() -> Server:
    """One server per process: it holds no per-request state."""
    return Server(RequestValidator())


@on_reload
def _clear() -> None:
    get_server.cache_clear()
