"""Delete CAS tickets nobody can use any more: expired tickets that no validation accepted,
and (a safety net: the single-logout receiver already deletes them) tickets and proxy-granting
tickets of sessions that have ended."""

from __future__ import annotations

from django.utils import timezone

from identity.cas.models import ProxyGrantingTicket, ServiceTicket
from identity.core.cleanup import Report, delete_in_batches
from identity.sessions.models import UserSession


def clear_cas_tickets(report: Report) -> dict[str, int]:
    now = timezone.now()
    live = UserSession.objects.live().values("sid")
    unused = delete_in_batches(ServiceTicket.objects.filter(succeeded=False, expires_at__lt=now), report, "CAS tickets")
    orphans = delete_in_batches(
        ServiceTicket.objects.filter(expires_at__lt=now).exclude(session_sid__in=live), report, "CAS tickets"
    )
    pgts = delete_in_batches(
        ProxyGrantingTicket.objects.exclude(session_sid__in=live), report, "CAS proxy-granting tickets"
    )
    return {"CAS tickets deleted": unused + orphans, "CAS proxy-granting tickets deleted": pgts}
