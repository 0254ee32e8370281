"""Single logout (CAS §2.3.3 and Appendix C) and registry cache upkeep.

When a single sign-on session ends, for whatever reason (sign-out on any site, "sign out
everywhere", expiry, an administrator, a password change), ``session_ended`` fires once inside
the ending transaction. This receiver then, in that same transaction: spends the session's
unvalidated tickets, deletes its proxy-granting tickets (§3.3.1: they "MUST expire when the
client ... logs out"), and writes one outbox message (kind ``cas.slo``) per ticket a service
validated in that session: a form POST of ``logoutRequest`` whose ``SessionIndex`` is that
ticket, to the service's single-logout URL (or the service URL itself). The outbox tries it
right after commit off the request thread with a short timeout and retries with backoff, so the
user's sign-out never waits on a service (§2.3.3.1: "fire and forget"). Targets pass through
the registry: a service removed or disabled since gets nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models.signals import post_delete, post_save

from identity.cas import registry
from identity.cas.models import CasService, ProxyGrantingTicket, ServiceTicket
from identity.cas.responses import logout_request
from identity.outbox.services import enqueue
from identity.signals import session_ended

SLO_KIND = "cas.slo"


def send_single_logout(sender: Any, session: Any, **kwargs: Any) -> None:
    sid = session.sid
    validated = list(ServiceTicket.objects.filter(session_sid=sid, succeeded=True).values_list("ticket", "service"))
    ServiceTicket.objects.filter(session_sid=sid).delete()
    ProxyGrantingTicket.objects.filter(session_sid=sid).delete()
    for ticket, service in validated:
        entry = registry.find(service)
        if entry is None or not entry.slo_enabled:
            continue
        target = entry.slo_url or service
        if registry.parse_url(target) is None:  # a non-URL proxy target has nowhere to be told
            continue
        enqueue(SLO_KIND, target, urlencode({"logoutRequest": logout_request(ticket)}), session_sid=sid)


def clear_registry(sender: Any, **kwargs: Any) -> None:
    registry.clear()


def connect() -> None:
    session_ended.connect(send_single_logout, dispatch_uid="identity.cas.single_logout")
    post_save.connect(clear_registry, sender=CasService, dispatch_uid="identity.cas.registry_saved")
    post_delete.connect(clear_registry, sender=CasService, dispatch_uid="identity.cas.registry_deleted")
