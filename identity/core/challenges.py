"""Every ``WWW-Authenticate`` challenge identity sends is built here (RFC 7235 §2.1, §4.1).

Several challenges go comma-separated in one header field, which RFC 7235 §4.1 allows
(``WWW-Authenticate = 1#challenge``); Django cannot repeat a header field. Basic and Bearer
challenges name the realm ``IDENTITY["REALM"]`` unless told otherwise (RFC 7235 §2.2).
"""

from __future__ import annotations

from collections.abc import Iterable

from identity.conf import identity_settings


def quote(value: str) -> str:
    """An RFC 7230 §3.2.6 quoted-string; control characters are dropped, not escaped."""
    cleaned = "".join(ch for ch in value if ch == "\t" or 0x20 <= ord(ch) != 0x7F)
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def challenge(scheme: str, **params: str | None) -> str:
    parts = [f"{key}={quote(val)}" for key, val in params.items() if val is not None]
    return f"{scheme} {', '.join(parts)}" if parts else scheme


def basic(realm: str | None = None) -> str:
    """RFC 7617 §2 (the realm is required there; default ``REALM``): ``charset="UTF-8"`` tells
    clients how we decode the user-pass."""
    return challenge("Basic", realm=identity_settings.REALM if realm is None else realm, charset="UTF-8")


def bearer(
    realm: str | None = None,
    error: str | None = None,
    description: str | None = None,
    scope: str | None = None,
) -> str:
    """RFC 6750 §3 (default realm ``REALM``). ``error`` is only set when a token was presented
    (§3.1)."""
    realm = identity_settings.REALM if realm is None else realm
    return challenge("Bearer", realm=realm, error=error, error_description=description, scope=scope)


def join(challenges: Iterable[str | None]) -> str:
    seen: list[str] = []
    for item in challenges:
        if item and item not in seen:
            seen.append(item)
    return ", ".join(seen)
