"""How the CAS endpoints answer a request identity cannot read (:mod:`identity.core.parsing`:
a body too large, bytes that are not UTF-8, a control character in a parameter): the failure
code ``INVALID_REQUEST`` (CAS 3.0 §2.5.3, §2.7.3) in the endpoint's own document, XML or JSON
as ``format`` asks, the ``no`` line of ``/validate`` and a SAML status on ``/samlValidate``.

A request naming exactly one ticket still spends it (every such request is a validation attempt,
:mod:`identity.cas.views.validation`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict

from identity.cas import errors, responses, tickets
from identity.core.parsing import BadInput


def _query(request: HttpRequest) -> QueryDict | None:
    """The query parameters, or None when they are what could not be read."""
    try:
        return request.GET
    except Exception:  # noqa: BLE001 - TooManyFieldsSent and kin: the refusal is being answered already
        return None


def _format(query: QueryDict | None) -> str:
    value = (query.getlist("format") if query is not None else []) or ["XML"]
    return "JSON" if len(value) == 1 and value[0].upper() == "JSON" else "XML"


def _spend_ticket(query: QueryDict | None) -> None:
    values = query.getlist("ticket") if query is not None else []
    if len(values) == 1:
        tickets.burn(values[0])


#: The failure code for a parameter whose value could not be read (CAS 3.0 §2.5.3): a ticket that
#: cannot be ours is simply not valid, and so on; an unreadable anything else is INVALID_REQUEST.
_CODE_OF_FIELD = {
    "ticket": errors.INVALID_TICKET,
    "pgt": errors.INVALID_TICKET,
    "service": errors.INVALID_SERVICE,
    "targetService": errors.INVALID_SERVICE,
    "pgtUrl": errors.INVALID_PROXY_CALLBACK,
}


def code_for(error: BadInput) -> str:
    return _CODE_OF_FIELD.get(error.field or "", errors.INVALID_REQUEST)


def service_validate_refusal(request: HttpRequest, error: BadInput) -> HttpResponse:
    query = _query(request)
    _spend_ticket(query)
    return responses.authentication_failure(code_for(error), error.description, _format(query))


def validate_refusal(request: HttpRequest, error: BadInput) -> HttpResponse:
    _spend_ticket(_query(request))
    return responses.validate_answer(None)


def proxy_refusal(request: HttpRequest, error: BadInput) -> HttpResponse:
    return responses.proxy_failure(code_for(error), error.description, _format(_query(request)))


def saml_refusal(request: HttpRequest, error: BadInput) -> HttpResponse:
    query = _query(request)
    targets = query.getlist("TARGET") if query is not None else []
    recipient = targets[0] if len(targets) == 1 else ""
    return responses.saml_failure(errors.INVALID_REQUEST, error.description, recipient=recipient, in_response_to=None)
