"""Reading CAS request parameters strictly: a parameter given twice is a bad request (CAS §2.5.3
``INVALID_REQUEST``), never a guess at which value was meant. Parameter names are
case-sensitive (§2.1.1).

A value that is present but cannot be right (a ticket longer than any ticket, with NUL bytes or
control characters; a service or ``pgtUrl`` longer than any registered one) is no bad request:
``INVALID_REQUEST`` is for required parameters that are missing. The validation endpoints read
those with no ``max_length`` and let the check say what is wrong (``INVALID_TICKET``,
``INVALID_SERVICE``, ``INVALID_PROXY_CALLBACK``); /login, where no failure code exists, caps
them."""

from __future__ import annotations

from django.http import QueryDict

from identity.cas.responses import FORMATS


class BadParameter(ValueError):
    pass


def single(query: QueryDict, name: str, *, max_length: int | None) -> str | None:
    values = query.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadParameter(f"The '{name}' parameter was given more than once.")
    value = values[0]
    if max_length is not None and len(value) > max_length:
        raise BadParameter(f"The '{name}' parameter is longer than {max_length} characters.")
    return value


def required(query: QueryDict, name: str, *, max_length: int | None = None) -> str:
    value = single(query, name, max_length=max_length)
    if not value:
        raise BadParameter(f"The '{name}' parameter is required.")
    return value


def flag(query: QueryDict, name: str) -> bool:
    """``renew``, ``gateway`` and ``warn`` are on when "set" (§2.1.1); ``=false`` is read as off."""
    return any(value.strip().lower() not in {"false", "0"} for value in query.getlist(name))


def response_format(query: QueryDict) -> str:
    """``format`` (§2.5.1): XML (the default) or JSON; any other value is INVALID_REQUEST."""
    value = single(query, "format", max_length=10)
    if value is None:
        return "XML"
    if value.upper() not in FORMATS:
        raise BadParameter("The 'format' parameter must be XML or JSON.")
    return value.upper()
