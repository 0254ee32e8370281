"""System checks of the OAuth 2.0 / OpenID Connect provider (identity.E6xx / W6xx)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning

from identity.conf import identity_settings
from identity.core.authenticators import authenticator_paths

SCOPE_TOKEN = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]+$")  # RFC 6749 §3.3
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
POSITIVE = [
    "OAUTH2_ACCESS_TOKEN_LIFETIME",
    "OAUTH2_ID_TOKEN_LIFETIME",
    "OAUTH2_REFRESH_TOKEN_LIFETIME",
    "OAUTH2_REFRESH_TOKEN_IDLE",
    "OAUTH2_DEVICE_CODE_LIFETIME",
    "OAUTH2_DEVICE_POLL_INTERVAL",
    "OAUTH2_LOGOUT_TOKEN_LIFETIME",
    "OAUTH2_THROTTLE_TOKEN_REQUESTS",
    "OAUTH2_THROTTLE_CLIENT_FAILURES",
    "OAUTH2_THROTTLE_USER_CODE_FAILURES",
]


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def check_provider(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if not isinstance(getattr(settings, "IDENTITY", {}), dict):
        return []  # identity.E001 says what is wrong
    s = identity_settings
    issues: list[Any] = []
    code = s.OAUTH2_CODE_LIFETIME
    if not _positive_int(code) or code > 60:
        issues.append(
            Error(
                f"IDENTITY['OAUTH2_CODE_LIFETIME'] is {code!r}.",
                hint="Authorization codes must live between 1 and 60 seconds (RFC 9700 §4.2.1).",
                id="identity.E601",
            )
        )
    scopes = s.OAUTH2_SCOPES
    if (
        not isinstance(scopes, dict)
        or "openid" not in scopes
        or not all(isinstance(k, str) and SCOPE_TOKEN.match(k) and isinstance(v, str) for k, v in scopes.items())
    ):
        issues.append(
            Error(
                "IDENTITY['OAUTH2_SCOPES'] must map scope names (RFC 6749 §3.3 characters) to descriptions, "
                "and include 'openid'.",
                hint='{"openid": "Sign you in", "profile": "See your name", ...}',
                id="identity.E602",
            )
        )
    if s.OAUTH2_ACCESS_TOKEN_FORMAT not in {"jwt", "opaque"}:
        issues.append(
            Error(
                f"IDENTITY['OAUTH2_ACCESS_TOKEN_FORMAT'] is {s.OAUTH2_ACCESS_TOKEN_FORMAT!r}.",
                hint='Use "jwt" (RFC 9068) or "opaque".',
                id="identity.E603",
            )
        )
    for name in POSITIVE:
        if not _positive_int(getattr(s, name)):
            issues.append(
                Error(
                    f"IDENTITY[{name!r}] must be a positive whole number, not {getattr(s, name)!r}.",
                    id="identity.E604",
                )
            )
    if s.OAUTH2_PROVIDER:
        issues += _check_issuer()
    return issues


def _check_issuer() -> list[Any]:
    issuer = getattr(identity_settings, "ISSUER", "")
    parts = urlsplit(str(issuer or ""))
    if not issuer or parts.scheme not in {"http", "https"} or not parts.hostname or str(issuer).endswith("/"):
        return [
            Error(
                f"IDENTITY['ISSUER'] is {issuer!r}; the provider needs its base URL.",
                hint='The site\'s URL with no trailing slash, e.g. "https://id.example.com" (RFC 8414 §2).',
                id="identity.E605",
            )
        ]
    if parts.query or parts.fragment:
        return [Error("IDENTITY['ISSUER'] must not have a query or fragment (RFC 8414 §2).", id="identity.E605")]
    if parts.scheme == "http" and parts.hostname not in LOOPBACK and not settings.DEBUG:
        return [
            Warning(
                f"The issuer {issuer} uses plain http.",
                hint="Serve the provider over https: codes, tokens and secrets cross this connection.",
                id="identity.W606",
            )
        ]
    return []


def check_opaque_authenticator(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    path = "identity.oauth2.authenticator.OAuth2TokenAuthenticator"
    if identity_settings.OAUTH2_ACCESS_TOKEN_FORMAT == "opaque" and path not in authenticator_paths():
        return [
            Warning(
                "Opaque OAuth access tokens are the default, but their authenticator is not enabled.",
                hint=f"Add {path!r} to IDENTITY['AUTHENTICATORS'] so your APIs accept them.",
                id="identity.W607",
            )
        ]
    return []
