"""Signing in through an OpenID Connect provider, with back-channel logout."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="OpenID Connect client",
    receivers=("identity.client.oidc.receivers.connect",),
    checks=(Check("identity.client.oidc.checks.check_oidc_client", ("urls",)),),
    client_urls="identity.client.oidc.urls.oidc_client_urlpatterns",
    admin="identity.client.oidc.admin",
    models="identity.client.oidc.models",
    requires=("identity.client",),
)
