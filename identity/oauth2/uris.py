"""Redirect URIs: what may be registered and how a request's URI is matched.

Matching is by exact string comparison (RFC 9700 §4.1.3, OAuth 2.1 §2.3.1): no prefixes, no
wildcards, no normalisation an attacker could exploit. The one exception is RFC 8252 §7.3: a
native (public) client registered with a loopback IP literal may use any port, since the OS
picks a free one each time.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

LOOPBACK_HOSTS = {"127.0.0.1", "[::1]", "localhost"}
LOOPBACK_IPS = {"127.0.0.1", "::1"}


def split_lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def problem(uri: str) -> str | None:
    """Why ``uri`` cannot be registered as a redirect URI, or None if it can."""
    if any(ch.isspace() for ch in uri) or not uri.isprintable():
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(uri)
        port = parts.port  # raises on a malformed port
    except ValueError:
        return "is not a valid URI"
    del port
    if not parts.scheme:
        return "must be an absolute URI"
    if "#" in uri:
        return "must not contain a fragment (RFC 6749 §3.1.2)"
    if "*" in uri:
        return "must not contain wildcards: URIs are matched exactly"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "must not contain user information"
    scheme = parts.scheme.lower()
    if scheme in {"http", "https"}:
        if not parts.hostname:
            return "needs a host"
        if scheme == "http" and parts.hostname not in {"localhost", "127.0.0.1", "::1"}:
            return "must use https (http is only allowed for loopback addresses, RFC 8252 §7.3)"
        return None
    if scheme in {"javascript", "data", "file", "vbscript", "about", "blob"}:
        return f"must not use the {scheme}: scheme"
    if "." not in scheme:
        return "a private-use scheme must be a reversed domain name, e.g. com.example.app:/callback (RFC 8252 §7.1)"
    return None


def matches(candidate: str, registered: Iterable[str], *, allow_loopback_port: bool = False) -> bool:
    """Whether ``candidate`` equals one of the registered URIs (see the module docstring)."""
    for uri in registered:
        if candidate == uri:
            return True
        if allow_loopback_port and _same_but_port(candidate, uri):
            return True
    return False


def _same_but_port(candidate: str, registered: str) -> bool:
    try:
        a, b = urlsplit(candidate), urlsplit(registered)
        a.port, b.port  # noqa: B018 - validates both ports
    except ValueError:
        return False
    if a.scheme != "http" or b.scheme != "http" or b.hostname not in LOOPBACK_IPS:
        return False
    return (a.hostname, a.path, a.query, a.fragment, a.username) == (b.hostname, b.path, b.query, b.fragment, None)
