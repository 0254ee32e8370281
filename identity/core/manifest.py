"""What the core contributes: the checks of its settings and middleware. Always enabled."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="core",
    checks=(
        Check("identity.core.checks.check_settings"),
        Check("identity.core.checks.check_mechanisms"),
        Check("identity.core.checks.check_middleware"),
        Check("identity.core.checks.check_realm"),
        Check("identity.core.checks.check_throttle_fallback"),
    ),
)
