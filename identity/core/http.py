"""Outgoing HTTP for server-to-server calls (single logout, back-channel logout, JWK Set
fetches, CAS proxy callbacks): a short timeout, no redirects followed (a redirect could point
anywhere: SSRF), and a small cap on what is read back."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_RESPONSE_BYTES = 1 << 20


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class HttpResult:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class HttpError(Exception):
    """The server could not be reached or did not answer in time."""


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 3.0,
    limit: int = MAX_RESPONSE_BYTES,
) -> HttpResult:
    """At most ``limit`` bytes of the answer are read (a caller with a smaller cap asks for one
    byte more than it accepts, to tell a full answer from a cut one)."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise HttpError(f"Refusing a non-HTTP URL: {url[:100]}")
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310 - scheme checked
    try:
        with _opener.open(req, timeout=timeout) as resp:
            return HttpResult(resp.status, resp.read(limit), dict(resp.headers.items()))
    except urllib.error.HTTPError as exc:  # a non-2xx answer is a result, not a failure to connect
        data = exc.read(limit) if exc.fp else b""
        return HttpResult(exc.code, data, dict(exc.headers.items()) if exc.headers else {})
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise HttpError(str(getattr(exc, "reason", exc))[:300]) from exc


def post(url: str, body: bytes, content_type: str, timeout: float = 3.0) -> HttpResult:
    return request("POST", url, body=body, headers={"Content-Type": content_type}, timeout=timeout)


def get(
    url: str, timeout: float = 3.0, headers: dict[str, str] | None = None, limit: int = MAX_RESPONSE_BYTES
) -> HttpResult:
    return request("GET", url, headers=headers, timeout=timeout, limit=limit)
