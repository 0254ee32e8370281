"""HTTP Basic authentication (RFC 7617)."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="HTTP Basic",
    authenticators=("identity.basic.authenticator.BasicAuthenticator",),
    checks=(Check("identity.basic.checks.check_throttle_cache"),),
)
