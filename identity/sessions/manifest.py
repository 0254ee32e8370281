"""Server-side sessions: sign-in, sign-out, the session index and the Security page."""

from __future__ import annotations

from identity.core.mechanisms import Check, Manifest

MANIFEST = Manifest(
    label="sessions",
    authenticators=("identity.sessions.authenticator.SessionAuthenticator",),
    receivers=("identity.sessions.receivers.connect",),
    checks=(
        Check("identity.sessions.checks.check_session_engine"),
        Check("identity.sessions.checks.check_cookies", ("security",)),
    ),
    cleanup=(("sessions", "identity.sessions.cleanup.clear_sessions"),),
    urls="identity.sessions.urls.sessions_urlpatterns",
    admin="identity.sessions.admin",
    models="identity.sessions.models",
)
