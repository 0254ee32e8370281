"""Opaque personal API tokens: created on the Security page or by the API, hashed at rest."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="API tokens",
    authenticators=("identity.tokens.authenticator.TokenAuthenticator",),
    receivers=("identity.tokens.receivers.connect",),
    checks=(Check("identity.tokens.checks.check_tokens"),),
    cleanup=(("tokens", "identity.tokens.cleanup.clear_tokens"),),
    security_sections=("identity.tokens.security.tokens_section",),
    urls="identity.tokens.urls.tokens_urlpatterns",
    admin="identity.tokens.admin",
    models="identity.tokens.models",
    requires=("identity.sessions",),
)
