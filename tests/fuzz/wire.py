"""Byte-exact HTTP/1.1 over a socket: ``requests`` and ``http.client`` refuse (or re-encode)
invalid UTF-8, control characters and raw bytes in the request line and headers, which is
exactly what the fuzzer must be able to send."""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TIMEOUT = 30.0
#: Each request comes from its own loopback address (127.1.0.0/16: Linux routes all of 127/8 to
#: lo), so identity's per-IP throttles see thousands of clients failing a few times each, not
#: one client failing thousands of times: the fuzz reaches the views instead of the throttle,
#: and 127.0.0.1, which the other end-to-end tests use, is never throttled by it.
_sources = itertools.count()


def _source() -> tuple[str, int]:
    n = next(_sources) % 65_000 + 1
    return (f"127.1.{n // 256}.{n % 256}", 0)


@dataclass(frozen=True)
class Request:
    """One hostile request: every part is bytes, sent as is."""

    method: bytes
    target: bytes  # path and query, as they go on the request line
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: bytes = b""

    def raw(self, host: bytes) -> bytes:
        lines = [self.method + b" " + self.target + b" HTTP/1.1", b"Host: " + host, b"Connection: close"]
        lines += [name + b": " + value for name, value in self.headers]
        if self.body or self.method == b"POST":
            lines.append(b"Content-Length: " + str(len(self.body)).encode())
        return b"\r\n".join(lines) + b"\r\n\r\n" + self.body

    def __repr__(self) -> str:
        """Short enough to read in a failure report: long parts are cut, their length kept."""

        def cut(value: bytes) -> str:
            return repr(value) if len(value) <= 300 else f"{value[:200]!r}...<{len(value)} bytes>"

        headers = ", ".join(f"{n.decode('latin-1')}: {cut(v)}" for n, v in self.headers)
        return f"Request({self.method.decode('latin-1')} {cut(self.target)} [{headers}] body={cut(self.body)})"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"Reply({self.status} {self.headers.get('content-type', '')!r} {self.text[:300]!r})"


def send(base_url: str, request: Request) -> Reply:
    """Send ``request`` to the site at ``base_url``; a server that stops reading an oversized
    body early still gets its answer read."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "localhost", parts.port or 80
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT, source_address=_source()) as sock:
        # the server may answer before reading everything (an oversized body): read that answer
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request.raw(f"{host}:{port}".encode()))
        response = http.client.HTTPResponse(sock, method=request.method.decode("latin-1"))
        response.begin()
        body = b"" if request.method == b"HEAD" else response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Reply(response.status, headers, body)
