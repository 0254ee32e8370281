"""Signed JWTs: the key store, access and refresh tokens, the denylist, the JWK Set, and
verification of JWTs signed elsewhere."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="JWT",
    authenticators=(
        "identity.jwt.authenticator.JWTAuthenticator",
        "identity.jwt.authenticator.JWTCookieAuthenticator",
        "identity.jwt.remote.RemoteJWTAuthenticator",
    ),
    receivers=("identity.jwt.receivers.connect",),
    checks=(
        Check("identity.jwt.checks.check_jwt"),
        Check("identity.jwt.checks.check_denylist"),
        Check("identity.jwt.checks.check_remote", ("security",)),
    ),
    cleanup=(("jwt", "identity.jwt.cleanup.clear_jwt"),),
    security_sections=("identity.jwt.security.jwt_section",),
    urls="identity.jwt.urls.jwt_urlpatterns",
    admin="identity.jwt.admin",
    models="identity.jwt.models",
    requires=("identity.sessions",),
)
