"""A site that signs its users in through a provider: the sign-in and sign-out flow."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="sign-in through a provider",
    checks=(Check("identity.client.checks.check_client_flow"),),
    client_urls="identity.client.urls.flow_urlpatterns",
    requires=("identity.sessions",),
)
