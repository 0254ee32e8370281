"""Signing in through a CAS server."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="CAS client",
    receivers=("identity.client.cas.receivers.connect",),
    checks=(Check("identity.client.cas.checks.check_cas_client"),),
    cleanup=(("cas client", "identity.client.cas.cleanup.clear_cas_client_logins"),),
    client_urls="identity.client.cas.urls.cas_client_urlpatterns",
    models="identity.client.cas.models",
    requires=("identity.client",),
)
