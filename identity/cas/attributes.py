"""User attributes a service may receive (CAS 3.0 §2.5.5 and Appendix A).

A service's ``released_attributes`` names user fields: any concrete, non-relational field of the
user model except the password, plus ``groups`` (multi-valued: the names of the user's groups,
sent as repeated elements). Names must be valid XML element names since they become
``<cas:name>`` elements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model

#: Attributes every p3 response carries (Appendix A: minOccurs=1); a service cannot shadow them.
PROTOCOL_ATTRIBUTES = ("authenticationDate", "longTermAuthenticationRequestTokenUsed", "isFromNewLogin")
_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_.-]{0,63}\Z")
_NEVER = {"password"}
MULTI_VALUED = {"groups"}


def parse_names(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for name in re.split(r"[\s,]+", text or ""):
        if name:
            seen.setdefault(name, None)
    return list(seen)


def releasable() -> set[str]:
    user_model = get_user_model()
    names = {
        f.name
        for f in user_model._meta.concrete_fields
        if not f.is_relation and f.name not in _NEVER and _NAME.match(f.name)
    }
    return names | MULTI_VALUED


def invalid_names(text: str) -> list[str]:
    allowed = releasable()
    return [n for n in parse_names(text) if n not in allowed or n in PROTOCOL_ATTRIBUTES]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def user_attributes(user: Any, names: Iterable[str]) -> list[tuple[str, list[str]]]:
    """``(name, values)`` for each released attribute the user has (None values are left out)."""
    allowed = releasable()
    released: list[tuple[str, list[str]]] = []
    for name in names:
        if name not in allowed or name in PROTOCOL_ATTRIBUTES:
            continue
        if name == "groups":
            released.append((name, sorted(g.name for g in user.groups.all())))
            continue
        value = getattr(user, name, None)
        if value is not None:
            released.append((name, [_text(value)]))
    return released
