"""Proxy authentication (CAS §2.5.4 and §2.7): proxy-granting tickets and the proxy callback.

A service asks for a proxy-granting ticket by passing ``pgtUrl`` when it validates a ticket.
The service must be registered with "may proxy", and ``pgtUrl`` must be https and belong to the
same registered service (so the callback is never an arbitrary address: no SSRF). The server
GETs ``pgtUrl?pgtId=PGT-…&pgtIou=PGTIOU-…`` with a short timeout, a verified certificate and no
redirects followed; only a 200 gets the IOU into the validation response, anything else fails
the validation with ``INVALID_PROXY_CALLBACK`` and the PGT is deleted. PGTs are stored as
SHA-256 digests and end with the single sign-on session they came from (§3.3.1).
"""

from __future__ import annotations

import ipaddress

from identity.cas import errors, tickets
from identity.cas.errors import CasFailure
from identity.cas.models import ProxyGrantingTicket, ServiceTicket
from identity.cas.registry import RegisteredService, parse_url, with_query
from identity.conf import identity_settings
from identity.core import http
from identity.core.crypto import sha256_hex


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_callback(pgt_url: str, entry: RegisteredService) -> None:
    if not entry.proxy_allowed:
        raise CasFailure(errors.UNAUTHORIZED_SERVICE_PROXY, "This service is not allowed to proxy authentication.")
    parts = parse_url(pgt_url)
    if parts is None:
        raise CasFailure(errors.INVALID_PROXY_CALLBACK, "pgtUrl is not a valid http(s) URL.")
    loopback_http = identity_settings.CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK and _is_loopback(parts.host)
    if parts.scheme != "https" and not loopback_http:
        raise CasFailure(errors.INVALID_PROXY_CALLBACK, "pgtUrl must use https.")
    if not entry.matches(pgt_url):
        raise CasFailure(errors.INVALID_PROXY_CALLBACK, "pgtUrl does not belong to the registered service.")


def grant(row: ServiceTicket, pgt_url: str, entry: RegisteredService) -> str:
    """Create a PGT for the validated ticket ``row``, hand it to ``pgt_url``; return its IOU."""
    check_callback(pgt_url, entry)
    pgt = tickets.new_ticket("PGT", tickets.PGT_LENGTH)
    iou = tickets.new_ticket("PGTIOU", tickets.PGT_LENGTH)
    record = ProxyGrantingTicket.objects.create(
        digest=sha256_hex(pgt),
        user_id=row.user_id,
        session_sid=row.session_sid,
        service=row.service,
        callback_url=pgt_url,
        proxies=list(row.proxies),
        auth_time=row.auth_time,
    )
    url = with_query(pgt_url, {"pgtId": pgt, "pgtIou": iou})
    try:
        result = http.get(url, timeout=identity_settings.CAS_PROXY_CALLBACK_TIMEOUT)
        problem = None if result.status == 200 else f"The proxy callback answered HTTP {result.status}, not 200."
    except http.HttpError as exc:
        problem = f"The proxy callback could not be reached: {exc}"
    if problem:
        record.delete()
        raise CasFailure(errors.INVALID_PROXY_CALLBACK, problem)
    return iou


def find_pgt(pgt: str) -> ProxyGrantingTicket | None:
    if not pgt.startswith("PGT-") or len(pgt) > 256:
        return None
    return ProxyGrantingTicket.objects.filter(digest=sha256_hex(pgt)).first()
