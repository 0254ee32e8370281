"""The Security page's "Applications signed in through this account" section: which CAS
services each of the user's live sessions has signed in to (and single logout will reach)."""

from __future__ import annotations

from typing import Any

from identity.cas import registry
from identity.cas.models import ServiceTicket
from identity.core.authenticated import AuthenticatedHttpRequest
from identity.sessions.models import UserSession
from identity.sessions.services import current_sid


def applications_section(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    if registry.is_empty():
        return {"template": "identity/cas/nothing.html"}
    sessions = {s.sid: s for s in UserSession.objects.live().filter(user=request.user)}
    current = current_sid(request)
    seen: set[tuple[str, str]] = set()
    rows = []
    tickets = ServiceTicket.objects.filter(session_sid__in=list(sessions), succeeded=True).order_by("-created_at")
    for ticket in tickets.only("service", "session_sid", "created_at")[:200]:
        entry = registry.find(ticket.service)
        name = entry.name if entry else ticket.service[:60]
        if (name, ticket.session_sid) in seen:
            continue
        seen.add((name, ticket.session_sid))
        session = sessions[ticket.session_sid]
        rows.append(
            {"name": name, "device": session.device, "current": session.sid == current, "when": ticket.created_at}
        )
    return {"template": "identity/cas/security_section.html", "rows": rows}
