"""Reading CAS request parameters strictly: a parameter given twice, or longer than any real
one, is a bad request (CAS §2.5.3 ``INVALID_REQUEST``), never a guess at which value was meant.
Parameter names are case-sensitive (§2.1.1)."""

from __future__ import annotations

from django.http import QueryDict

from identity.cas.responses import FORMATS

#: Longest ticket accepted (§3.1.1 asks services to handle up to 256 characters).
MAX_TICKET_LENGTH = 256


class BadParameter(ValueError):
    pass


def single(query: QueryDict, name: str, *, max_length: int) -> str | None:
    values = query.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadParameter(f"The '{name}' parameter was given more than once.")
    value = values[0]
    if len(value) > max_length:
        raise BadParameter(f"The '{name}' parameter is longer than {max_length} characters.")
    return value


def required(query: QueryDict, name: str, *, max_length: int) -> str:
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
