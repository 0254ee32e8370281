"""Issuing and validating service and proxy tickets.

CAS §3.1.1 and §3.2.1: a ticket is valid for one validation attempt, "whether or not validation
was successful". :func:`validate` spends the ticket with one conditional UPDATE (``WHERE
consumed_at IS NULL AND expires_at > now``) that also records whether the attempt succeeds, so
of any number of parallel attempts exactly one changes the row, and a failed attempt (another
service: ``INVALID_SERVICE``; a proxy ticket at ``serviceValidate``; ``renew`` on a ticket from
single sign-on) spends the ticket too. Tickets are random (``secrets``), use only
``[A-Za-z0-9-]`` (§3.7) and are 32 characters long, the length every client must accept.
"""

from __future__ import annotations

import re
import secrets
import string
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Q, Value, When
from django.utils import timezone

from identity.cas import errors
from identity.cas.errors import CasFailure
from identity.cas.models import ProxyGrantingTicket, ServiceTicket, TicketKind
from identity.cas.registry import MAX_SERVICE_LENGTH
from identity.conf import identity_settings

ALPHABET = string.ascii_letters + string.digits
TICKET_LENGTH = 32  # §3.1.1: services MUST accept 32; ST- + 29 characters ≈ 172 random bits
PGT_LENGTH = 64  # §3.3.1 and §3.4.1: services MUST handle 64
_OURS = re.compile(r"\A(ST|PT)-[A-Za-z0-9]{29}\Z")


def new_ticket(prefix: str, length: int = TICKET_LENGTH) -> str:
    head = f"{prefix}-"
    return head + "".join(secrets.choice(ALPHABET) for _ in range(length - len(head)))


def _expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=identity_settings.CAS_TICKET_LIFETIME)


def _issue(kind: str, *, service: str, user_id: Any, session_sid: str, auth_time: datetime, **fields: Any) -> str:
    now = timezone.now()
    ticket = new_ticket(kind)
    ServiceTicket.objects.create(
        ticket=ticket,
        kind=kind,
        service=service,
        user_id=user_id,
        session_sid=session_sid,
        auth_time=auth_time,
        created_at=now,
        expires_at=_expiry(now),
        **fields,
    )
    return ticket


def issue_service_ticket(*, user_id: Any, service: str, session_sid: str, auth_time: datetime, primary: bool) -> str:
    return _issue(
        TicketKind.SERVICE,
        service=service,
        user_id=user_id,
        session_sid=session_sid,
        auth_time=auth_time,
        primary=primary,
    )


def issue_proxy_ticket(pgt: ProxyGrantingTicket, target_service: str) -> str:
    """§2.7: a proxy ticket for ``target_service``; its proxies list starts with this proxy."""
    return _issue(
        TicketKind.PROXY,
        service=target_service,
        user_id=pgt.user_id,
        session_sid=pgt.session_sid,
        auth_time=pgt.auth_time,
        proxies=[pgt.callback_url, *pgt.proxies],
    )


def is_well_formed(ticket: str | None) -> bool:
    return bool(ticket) and _OURS.match(ticket) is not None  # type: ignore[arg-type]


def could_be_a_service(service: str) -> bool:
    """Whether a ticket can have been issued for ``service``: /login issues them only for
    registered services, never longer than :data:`MAX_SERVICE_LENGTH` nor holding a NUL (which
    PostgreSQL would refuse in a query). Anything else is kept out of the database and simply
    does not match the ticket (``INVALID_SERVICE``, the ticket spent all the same)."""
    return len(service) <= MAX_SERVICE_LENGTH and "\x00" not in service


def burn(ticket: str | None) -> None:
    """Spend a ticket presented in a request that could not be honoured (a missing service, an
    unknown format): it still was a validation attempt."""
    if is_well_formed(ticket):
        ServiceTicket.objects.filter(ticket=ticket, consumed_at__isnull=True).update(consumed_at=timezone.now())


def mark_failed(row: ServiceTicket) -> None:
    """A validation that the ticket passed but that failed afterwards (the service is no longer
    registered, the proxy callback failed): no single logout will be sent for it."""
    ServiceTicket.objects.filter(pk=row.pk).update(succeeded=False)
    row.succeeded = False


def validate(ticket: str, service: str, *, accept_proxy: bool, renew: bool) -> ServiceTicket:
    """Spend ``ticket`` and return its row (with the user) if it is valid for ``service``."""
    if not is_well_formed(ticket):
        raise CasFailure(errors.INVALID_TICKET, "The ticket was not recognized.")
    now = timezone.now()
    succeeded: Case | Value = Value(False)  # a service no ticket can have been issued for
    if could_be_a_service(service):
        valid = Q(service=service)
        if not accept_proxy:
            valid &= Q(kind=TicketKind.SERVICE)
        if renew:
            valid &= Q(primary=True)
        succeeded = Case(When(valid, then=Value(True)), default=Value(False))
    spent = ServiceTicket.objects.filter(ticket=ticket, consumed_at__isnull=True, expires_at__gt=now).update(
        consumed_at=now, succeeded=succeeded
    )
    row = ServiceTicket.objects.select_related("user").filter(ticket=ticket).first()
    if row is None:
        raise CasFailure(errors.INVALID_TICKET, f"Ticket {ticket[:8]}… was not recognized.")
    if not spent:
        why = "was already presented for validation" if row.consumed_at else "has expired"
        raise CasFailure(errors.INVALID_TICKET, f"Ticket {ticket[:8]}… {why}.")
    if row.kind == TicketKind.PROXY and not accept_proxy:
        raise CasFailure(
            errors.INVALID_TICKET_SPEC, "A proxy ticket was presented: proxy tickets are validated at proxyValidate."
        )
    if row.service != service:
        raise CasFailure(
            errors.INVALID_SERVICE,
            "The ticket was issued for another service; it has been invalidated.",
        )
    if renew and not row.primary:
        raise CasFailure(
            errors.INVALID_TICKET, "renew was requested but the ticket came from an existing single sign-on session."
        )
    if not row.user.is_active:
        mark_failed(row)
        raise CasFailure(errors.INVALID_TICKET, "The user's account is disabled.")
    return row
