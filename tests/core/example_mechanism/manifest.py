"""Everything the badge mechanism contributes, in one place."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="badges",
    authenticators=("tests.core.example_mechanism.authenticator.BadgeAuthenticator",),
    receivers=("tests.core.example_mechanism.receivers.connect",),
    checks=(Check("tests.core.example_mechanism.checks.check_badges"),),
    cleanup=(("badges", "tests.core.example_mechanism.cleanup.clear_badges"),),
    security_sections=("tests.core.example_mechanism.security.badges_section",),
    urls="tests.core.example_mechanism.urls.badge_urlpatterns",
    requires=("identity.sessions",),
)
