"""Authorization server metadata (RFC 8414 §2) and OpenID Provider metadata (Discovery §3): one
document served at both well-known paths. ``issuer`` is byte-identical to the ``iss`` of every
token and authorization response."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from identity.conf import identity_settings
from identity.core.jose.issuer import issuer
from identity.oauth2.models import GrantType

CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def _url(name: str) -> str:
    return issuer() + reverse(name)


def document() -> dict[str, Any]:
    from identity.jwt.keys import signing_key

    return {
        "issuer": issuer(),
        "authorization_endpoint": _url("identity:oauth2-authorize"),
        "token_endpoint": _url("identity:oauth2-token"),
        "userinfo_endpoint": _url("identity:oauth2-userinfo"),
        "jwks_uri": issuer() + "/.well-known/jwks.json",
        "revocation_endpoint": _url("identity:oauth2-revoke"),
        "introspection_endpoint": _url("identity:oauth2-introspect"),
        "device_authorization_endpoint": _url("identity:oauth2-device-authorization"),
        "end_session_endpoint": _url("identity:oauth2-logout"),
        "scopes_supported": list(identity_settings.OAUTH2_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": [g.value for g in GrantType],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [signing_key().alg],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS[:2],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent"],
        "claims_supported": [
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "at_hash",
            "sid",
            "name",
            "given_name",
            "family_name",
            "preferred_username",
            "email",
        ],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": False,
    }
