"""System checks of the OpenID Connect relying party (identity.E72x / W72x)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning
from django.urls import NoReverseMatch, reverse

from identity.conf import identity_settings

OIDC_FLOW = "identity.client.oidc.flow.OIDCSignInFlow"
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _uses_oidc() -> bool:
    protocol = identity_settings.CLIENT_PROTOCOL
    return protocol is not None and identity_settings.CLIENT_FLOWS.get(protocol) == OIDC_FLOW


def check_oidc_client(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if not isinstance(getattr(settings, "IDENTITY", {}), dict) or not _uses_oidc():
        return []
    s = identity_settings
    issues: list[Any] = []
    url = s.OIDC_RP_DISCOVERY_URL
    parts = urlsplit(url)
    if not url or not s.OIDC_RP_CLIENT_ID:
        issues.append(
            Error(
                "OpenID Connect sign-in needs IDENTITY['OIDC_RP_DISCOVERY_URL'] and IDENTITY['OIDC_RP_CLIENT_ID'].",
                hint="Register this site as a client at the provider and copy its values here.",
                id="identity.E720",
            )
        )
    elif parts.scheme not in {"http", "https"} or not parts.hostname or not url.endswith(DISCOVERY_SUFFIX):
        issues.append(
            Error(
                f"IDENTITY['OIDC_RP_DISCOVERY_URL'] is {url!r}.",
                hint=f"The provider's issuer followed by {DISCOVERY_SUFFIX} (OIDC Discovery §4).",
                id="identity.E721",
            )
        )
    elif parts.scheme == "http" and parts.hostname not in LOOPBACK and not settings.DEBUG:
        issues.append(
            Warning(
                f"The provider {url} is reached over plain http.",
                hint="Use https: ID tokens and the client secret cross this connection.",
                id="identity.W722",
            )
        )
    if "openid" not in s.OIDC_RP_SCOPES.split():
        issues.append(Error("IDENTITY['OIDC_RP_SCOPES'] must include 'openid'.", id="identity.E723"))
    try:
        reverse("identity_client:oidc-callback")
    except NoReverseMatch:
        issues.append(
            Error(
                "The OpenID callback URL is not mounted.",
                hint='Add path("", include("identity.client.urls")) before identity.urls in your URLconf.',
                id="identity.E724",
            )
        )
    return issues
