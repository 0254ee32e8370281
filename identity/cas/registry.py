"""The service registry: which services may use this CAS server, and how they are matched.

CAS §2.2.1: a server "in non-open mode ... MUST deny operation" to an unregistered service. The
registry is closed: nothing matches until an administrator adds a service. Every URL the server
sends a browser or a request to (login and logout redirects, gateway, warn, ``pgtUrl``, single
logout) passes through :func:`find` first, so there is no open redirect.

Matching, strictest first: an *exact* URL; a *prefix* whose scheme, host (lower-cased, IDNA)
and port must be equal and whose path the service's path must start with, at a segment
boundary and with no dot segments; a *regular expression* that must match the whole URL
(``re.fullmatch``: ``re.match`` would let ``https://app.example.com.evil.net`` through). URLs
with user info (``https://good@evil``), backslashes, white space, control or non-ASCII
characters are refused before any pattern is consulted.

Each process keeps the compiled registry for ``CAS_REGISTRY_CACHE_SECONDS`` so validating a
ticket costs no registry query; saving or deleting a service clears the copy of the process that
did it at once.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

from identity.cas.attributes import parse_names
from identity.cas.models import CasService, MatchType
from identity.conf import identity_settings, on_reload

log = logging.getLogger("identity.cas")

#: Longest service URL accepted anywhere (browsers and proxies start failing around 8 kB).
MAX_SERVICE_LENGTH = 2048
_FORBIDDEN = re.compile(r"[^\x21-\x7e]|\\")  # anything but printable ASCII, and backslashes
_DOT_SEGMENT = re.compile(r"(^|/)\.{1,2}(/|$)")


class RegistryError(ValueError):
    """A service row whose pattern cannot be used."""


@dataclass(frozen=True)
class UrlParts:
    scheme: str
    host: str
    port: int
    rest: str  # path (at least "/"), query and fragment, as written


def parse_url(value: str) -> UrlParts | None:
    """The parts of an absolute http(s) URL fit to redirect a browser to, or None."""
    if not value or len(value) > MAX_SERVICE_LENGTH or _FORBIDDEN.search(value):
        return None
    try:
        parts: SplitResult = urlsplit(value)
        port = parts.port
        hostname = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not hostname or "@" in parts.netloc:
        return None
    try:
        host = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    rest = value.split("://", 1)[1][len(parts.netloc) :] or "/"
    if not rest.startswith(("/", "?", "#")):
        return None
    if rest[0] != "/":
        rest = "/" + rest
    return UrlParts(scheme, host, port or (443 if scheme == "https" else 80), rest)


def has_dot_segments(rest: str) -> bool:
    path = rest.split("?", 1)[0].split("#", 1)[0]
    return bool(_DOT_SEGMENT.search(unquote(path)))


@dataclass(frozen=True)
class RegisteredService:
    pk: int
    name: str
    match_type: str
    pattern: str
    released: tuple[str, ...]
    proxy_allowed: bool
    slo_enabled: bool
    slo_url: str
    _prefix: UrlParts | None = field(default=None, repr=False)
    _regex: re.Pattern[str] | None = field(default=None, repr=False)

    def matches(self, service: str) -> bool:
        if self.match_type == MatchType.EXACT:
            return service == self.pattern
        if self.match_type == MatchType.PREFIX:
            return self._prefix is not None and _prefix_matches(self._prefix, service)
        if self._regex is None or len(service) > MAX_SERVICE_LENGTH or _FORBIDDEN.search(service):
            return False
        if service.partition(":")[0].lower() in {"http", "https"} and parse_url(service) is None:
            return False  # an http(s) URL that is unsafe (user info, bad port, ...): never, whatever the regex
        return self._regex.fullmatch(service) is not None


def _prefix_matches(prefix: UrlParts, service: str) -> bool:
    parts = parse_url(service)
    if parts is None or (parts.scheme, parts.host, parts.port) != (prefix.scheme, prefix.host, prefix.port):
        return False
    if not parts.rest.startswith(prefix.rest) or has_dot_segments(parts.rest):
        return False
    if prefix.rest.endswith(("/", "?", "&", "=")) or len(parts.rest) == len(prefix.rest):
        return True
    return parts.rest[len(prefix.rest)] in "/?#"  # "/app" matches "/app/x", never "/application"


def compile_service(row: CasService) -> RegisteredService:
    """Check a service row and compile its matcher; RegistryError says what is wrong."""
    pattern = row.pattern or ""
    prefix = regex = None
    if row.match_type in (MatchType.EXACT, MatchType.PREFIX):
        parts = parse_url(pattern)
        if parts is None:
            raise RegistryError(
                "Enter an absolute http(s) URL without user info, spaces or backslashes (https is recommended)."
            )
        if row.match_type == MatchType.PREFIX:
            if has_dot_segments(parts.rest) or "#" in parts.rest:
                raise RegistryError("A prefix cannot contain '.' or '..' path segments or a fragment.")
            prefix = parts
    elif row.match_type == MatchType.REGEX:
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise RegistryError(f"Not a valid regular expression: {exc}.") from None
    else:
        raise RegistryError(f"Unknown match type {row.match_type!r}.")
    return RegisteredService(
        pk=row.pk or 0,
        name=row.name,
        match_type=row.match_type,
        pattern=pattern,
        released=tuple(parse_names(row.released_attributes)),
        proxy_allowed=row.proxy_allowed,
        slo_enabled=row.slo_enabled,
        slo_url=row.slo_url,
        _prefix=prefix,
        _regex=regex,
    )


@dataclass
class _Registry:
    exact: dict[str, RegisteredService]
    ordered: list[RegisteredService]  # prefixes, longest first, then regular expressions


def _load() -> _Registry:
    compiled: list[RegisteredService] = []
    for row in CasService.objects.filter(enabled=True).order_by("pk"):
        try:
            compiled.append(compile_service(row))
        except RegistryError as exc:
            log.warning("CAS service %r (pk %s) is ignored: %s", row.name, row.pk, exc)
    exact = {s.pattern: s for s in reversed(compiled) if s.match_type == MatchType.EXACT}
    prefixes = sorted((s for s in compiled if s.match_type == MatchType.PREFIX), key=lambda s: -len(s.pattern))
    regexes = [s for s in compiled if s.match_type == MatchType.REGEX]
    return _Registry(exact, prefixes + regexes)


_lock = threading.Lock()
_cached: tuple[float, _Registry] | None = None


def _registry() -> _Registry:
    global _cached
    ttl = identity_settings.CAS_REGISTRY_CACHE_SECONDS
    now = time.monotonic()
    cached = _cached
    if cached is not None and ttl > 0 and now - cached[0] < ttl:
        return cached[1]
    registry = _load()
    with _lock:
        _cached = (now, registry)
    return registry


def find(service: str | None) -> RegisteredService | None:
    """The enabled registered service that ``service`` belongs to, or None."""
    if not service or len(service) > MAX_SERVICE_LENGTH:
        return None
    registry = _registry()
    entry = registry.exact.get(service)
    if entry is not None:
        return entry
    for candidate in registry.ordered:
        if candidate.matches(service):
            return candidate
    return None


def find_redirectable(service: str | None) -> RegisteredService | None:
    """Like :func:`find`, for URLs a browser is sent to: http(s) and safe to redirect to."""
    if service is None or parse_url(service) is None:
        return None
    return find(service)


@on_reload
def clear(*args: Any, **kwargs: Any) -> None:
    global _cached
    with _lock:
        _cached = None


def with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` appended to its query, before any fragment, leaving the rest of
    the URL byte for byte as it was (CAS §2.5.4: parameters of the URL "MUST be preserved")."""
    from urllib.parse import urlencode

    base, hash_, fragment = url.partition("#")
    separator = "&" if "?" in base else "?"
    if base.endswith(("?", "&")):
        separator = ""
    return f"{base}{separator}{urlencode(params)}{hash_}{fragment}"


def is_empty() -> bool:
    """True when no service is registered (and enabled): this site is not used as a CAS server."""
    registry = _registry()
    return not registry.exact and not registry.ordered
