"""The OAuth 2.0 / OpenID Connect provider: clients, grants, consent, tokens."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="OAuth 2.0 / OpenID Connect provider",
    authenticators=("identity.oauth2.authenticator.OAuth2TokenAuthenticator",),
    receivers=("identity.oauth2.receivers.connect",),
    checks=(
        Check("identity.oauth2.checks.check_provider"),
        Check("identity.oauth2.checks.check_opaque_authenticator"),
    ),
    cleanup=(("oauth2", "identity.oauth2.cleanup.clear_oauth2"),),
    security_sections=("identity.oauth2.views.connected.security_section",),
    urls="identity.oauth2.urls.oauth2_urlpatterns",
    admin="identity.oauth2.admin",
    models="identity.oauth2.models",
    requires=("identity.sessions", "identity.jwt", "identity.outbox"),
)
