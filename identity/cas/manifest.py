"""The CAS 3.0 server: services, tickets, proxying and single logout."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="CAS server",
    receivers=("identity.cas.receivers.connect",),
    checks=(Check("identity.cas.checks.check_cas_settings"),),
    cleanup=(("cas", "identity.cas.cleanup.clear_cas_tickets"),),
    security_sections=("identity.cas.security.applications_section",),
    urls="identity.cas.urls.cas_urlpatterns",
    admin="identity.cas.admin",
    models="identity.cas.models",
    requires=("identity.sessions", "identity.outbox"),
)
