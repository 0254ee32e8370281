"""Safety net: ticket → session links whose session is no longer live."""

from __future__ import annotations

from identity.client.cas.models import CasClientLogin
from identity.core.cleanup import Report, delete_in_batches
from identity.sessions.models import UserSession


def clear_cas_client_logins(report: Report) -> dict[str, int]:
    stale = CasClientLogin.objects.exclude(session_sid__in=UserSession.objects.live().values("sid"))
    return {"CAS sign-in links deleted": delete_in_batches(stale, report, "CAS sign-in links")}
