"""Adds the "Connected apps" section to the Security page (imported at start-up)."""

from __future__ import annotations

from identity.oauth2.views.connected import security_section
from identity.sessions.views import SECURITY_SECTIONS

if security_section not in SECURITY_SECTIONS:
    SECURITY_SECTIONS.append(security_section)
