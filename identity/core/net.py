"""The client's IP address, trusting ``X-Forwarded-For`` only from configured proxies.

A client can put anything in ``X-Forwarded-For``, so the header is read only when the direct
peer (``REMOTE_ADDR``) is a trusted proxy, and then from the right: each trusted hop is peeled
off, and the first address not in ``TRUSTED_PROXIES`` is the client (the left-most entries
were written by the client and prove nothing). Throttles and issuer URLs depend on this.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import cast

from django.http import HttpRequest

from identity.conf import identity_settings, on_reload

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=1)
def _trusted_networks() -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in identity_settings.TRUSTED_PROXIES)


@on_reload
def _clear() -> None:
    _trusted_networks.cache_clear()


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in _trusted_networks())


def client_ip(request: HttpRequest) -> str | None:
    cached = getattr(request, "_identity_client_ip", False)
    if cached is not False:
        return cast("str | None", cached)  # only set below, to the str | None worked out here
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    result = str(peer) if peer else None
    if peer is not None and _trusted_networks() and _is_trusted(peer):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
            address = _parse(hop)
            if address is None:
                break  # garbage in the chain: stop at the last address we could trust
            result = str(address)
            if not _is_trusted(address):
                break
    request._identity_client_ip = result  # type: ignore[attr-defined]
    return result
