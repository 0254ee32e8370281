"""Ticket validation endpoints: ``/validate`` (CAS 1.0), ``/serviceValidate`` and
``/proxyValidate`` (2.0), ``/p3/serviceValidate`` and ``/p3/proxyValidate`` (3.0), ``/proxy``
and ``/samlValidate``. Server-to-server calls: no cookies, no CSRF, no session. Every request
with exactly one ticket is a validation attempt that spends the ticket, whatever else is wrong
with it. Bad input is answered with the failure code the specification names (§2.5.3, §2.7.3),
in the endpoint's own format; a database failure becomes ``INTERNAL_ERROR``, never a 500.
A ticket, service or ``pgtUrl`` that is present but could never be valid (too long, NUL bytes,
control characters) is not a bad request: it fails as that value (``INVALID_TICKET``,
``INVALID_SERVICE``, ``INVALID_PROXY_CALLBACK``), see :mod:`identity.cas.params`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from identity.cas import errors, proxying, refusals, registry, responses, saml, tickets
from identity.cas.attributes import user_attributes
from identity.cas.errors import CasFailure
from identity.cas.models import ServiceTicket
from identity.cas.params import BadParameter, flag, required, response_format, single
from identity.cas.registry import MAX_SERVICE_LENGTH
from identity.cas.views.common import cas_endpoint
from identity.conf import identity_settings
from identity.core.middleware import reads_authorization
from identity.core.parsing import guarded

log = logging.getLogger("identity.cas")


def _the_ticket(request: HttpRequest, name: str = "ticket") -> str | None:
    values = request.GET.getlist(name)
    return values[0] if len(values) == 1 else None


def _check(
    ticket: str, service: str, *, accept_proxy: bool, renew: bool
) -> tuple[ServiceTicket, registry.RegisteredService]:
    """Spend and check ``ticket``; the service must still be registered."""
    row = tickets.validate(ticket, service, accept_proxy=accept_proxy, renew=renew)
    entry = registry.find(service)
    if entry is None:
        tickets.mark_failed(row)
        raise CasFailure(errors.INVALID_SERVICE, "The service is not registered with this CAS server.")
    return row, entry


def _internal(exc: Exception) -> CasFailure:
    log.exception("CAS validation failed on an internal error", exc_info=exc)
    return CasFailure(errors.INTERNAL_ERROR, "An internal error occurred; try again.")


def _service_validate(request: HttpRequest, *, accept_proxy: bool, release: bool) -> HttpResponse:
    ticket = _the_ticket(request)
    fmt = "XML"
    try:
        fmt = response_format(request.GET)
        ticket_value = required(request.GET, "ticket")
        service = required(request.GET, "service")
        pgt_url = single(request.GET, "pgtUrl", max_length=None)
    except BadParameter as exc:
        tickets.burn(ticket)
        return responses.authentication_failure(errors.INVALID_REQUEST, str(exc), fmt)
    try:
        row, entry = _check(ticket_value, service, accept_proxy=accept_proxy, renew=flag(request.GET, "renew"))
        iou = None
        if pgt_url:
            try:
                iou = proxying.grant(row, pgt_url, entry)
            except CasFailure:
                tickets.mark_failed(row)
                raise
        auth = responses.Authentication(
            user=row.user.get_username(),
            auth_time=row.auth_time,
            new_login=row.primary,
            attributes=user_attributes(row.user, entry.released) if release else None,
            pgt_iou=iou,
            proxies=tuple(row.proxies),
        )
        return responses.authentication_success(auth, fmt)
    except CasFailure as failure:
        return responses.authentication_failure(failure.code, failure.description, fmt)
    except DatabaseError as exc:
        internal = _internal(exc)
        return responses.authentication_failure(internal.code, internal.description, fmt)


def _validation_view(*, accept_proxy: bool, release: bool) -> Callable[[HttpRequest], HttpResponse]:
    @reads_authorization
    @csrf_exempt
    @cas_endpoint
    @guarded(refusals.service_validate_refusal)
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest) -> HttpResponse:
        return _service_validate(request, accept_proxy=accept_proxy, release=release)

    return view


service_validate = _validation_view(accept_proxy=False, release=False)  # §2.5
proxy_validate = _validation_view(accept_proxy=True, release=False)  # §2.6
p3_service_validate = _validation_view(accept_proxy=False, release=True)  # §2.8
p3_proxy_validate = _validation_view(accept_proxy=True, release=True)  # §2.9


@reads_authorization
@csrf_exempt
@cas_endpoint
@guarded(refusals.validate_refusal)
@require_http_methods(["GET", "POST"])
def validate(request: HttpRequest) -> HttpResponse:
    """§2.4: CAS 1.0. Proxy tickets fail here (the protocol cannot carry proxies)."""
    ticket = _the_ticket(request)
    try:
        ticket_value = required(request.GET, "ticket")
        service = required(request.GET, "service")
    except BadParameter:
        tickets.burn(ticket)
        return responses.validate_answer(None)
    try:
        row, _ = _check(ticket_value, service, accept_proxy=False, renew=flag(request.GET, "renew"))
    except CasFailure:
        return responses.validate_answer(None)
    except DatabaseError as exc:
        _internal(exc)
        return responses.validate_answer(None)
    return responses.validate_answer(row.user.get_username())


@reads_authorization
@csrf_exempt
@cas_endpoint
@guarded(refusals.proxy_refusal)
@require_http_methods(["GET", "POST"])
def proxy(request: HttpRequest) -> HttpResponse:
    """§2.7: a proxy ticket for ``targetService`` from a proxy-granting ticket."""
    fmt = "XML"
    try:
        fmt = response_format(request.GET)
        pgt_value = single(request.GET, "pgt", max_length=None)
        target = single(request.GET, "targetService", max_length=None)
        if not pgt_value or not target:
            raise BadParameter("'pgt' and 'targetService' parameters are both required.")
    except BadParameter as exc:
        return responses.proxy_failure(errors.INVALID_REQUEST, str(exc), fmt)
    try:
        pgt = proxying.find_pgt(pgt_value)
        if pgt is None:
            return responses.proxy_failure(errors.INVALID_TICKET, "The proxy-granting ticket is not valid.", fmt)
        proxying_service = registry.find(pgt.service)
        if proxying_service is None or not proxying_service.proxy_allowed:  # revoked since the PGT was issued
            return responses.proxy_failure(
                errors.UNAUTHORIZED_SERVICE, "The proxying service is no longer allowed to proxy.", fmt
            )
        if registry.find(target) is None:
            return responses.proxy_failure(
                errors.UNAUTHORIZED_SERVICE, "The target service is not registered with this CAS server.", fmt
            )
        return responses.proxy_success(tickets.issue_proxy_ticket(pgt, target), fmt)
    except DatabaseError as exc:
        failure = _internal(exc)
        return responses.proxy_failure(failure.code, failure.description, fmt)


@reads_authorization
@csrf_exempt
@cas_endpoint
@guarded(refusals.saml_refusal)
@require_POST
def saml_validate(request: HttpRequest) -> HttpResponse:
    """§4.2: SAML 1.1 validation. Attributes only for an https ``TARGET`` (§4.2.1)."""
    recipient = ""
    request_id = None
    try:
        target = required(request.GET, "TARGET", max_length=MAX_SERVICE_LENGTH)
        recipient = target
        if int(request.META.get("CONTENT_LENGTH") or 0) > saml.MAX_REQUEST_BYTES:
            raise saml.BadSamlRequest("The SAML request is too large.")
        parsed = saml.parse(request.body)
        request_id = parsed.request_id
    except (BadParameter, saml.BadSamlRequest, ValueError) as exc:
        return responses.saml_failure(errors.INVALID_REQUEST, str(exc), recipient=recipient, in_response_to=None)
    try:
        row, entry = _check(parsed.ticket, target, accept_proxy=False, renew=flag(request.GET, "renew"))
        secure = target.lower().startswith("https://")
        auth = responses.Authentication(
            user=row.user.get_username(),
            auth_time=row.auth_time,
            new_login=row.primary,
            attributes=user_attributes(row.user, entry.released) if secure else None,
        )
        return responses.saml_success(
            auth,
            recipient=target,
            issuer=request.get_host(),
            in_response_to=request_id,
            lifetime=identity_settings.CAS_TICKET_LIFETIME,
        )
    except CasFailure as failure:
        return responses.saml_failure(failure.code, failure.description, recipient=target, in_response_to=request_id)
    except DatabaseError as exc:
        internal = _internal(exc)
        return responses.saml_failure(internal.code, internal.description, recipient=target, in_response_to=request_id)
