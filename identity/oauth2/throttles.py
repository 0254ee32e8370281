"""Abuse limits of the authorization server, counted in ``THROTTLE_CACHE`` (Redis in production,
shared by every worker) in fixed windows of ``THROTTLE_WINDOW`` seconds:

* token requests per (client, IP): a runaway or hostile client cannot flood the token endpoint;
* failed client authentications per IP: guessing client secrets (RFC 6749 §10.10);
* wrong user codes per IP on the device page: user codes are short (RFC 8628 §5.1).

Each counter expires with its window, so nobody is locked out for longer. The counts go through
the password throttles' :data:`~identity.core.throttling.counters`, so while the shared cache is
down they fall back to each process the same way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.http import HttpRequest

from identity.conf import identity_settings
from identity.core.crypto import keyed_hash
from identity.core.net import client_ip
from identity.core.throttling import counters
from identity.exceptions import Throttled

PREFIX = "identity:oauth2:thr"


@dataclass(frozen=True)
class Limit:
    name: str
    key: str
    limit: int
    window: int

    @classmethod
    def for_request(cls, name: str, request: HttpRequest, limit: int, *extra: str) -> Limit:
        window = identity_settings.THROTTLE_WINDOW
        ref = keyed_hash("identity.oauth2.throttle", "\x00".join([client_ip(request) or "unknown", *extra]))[:32]
        return cls(name, f"{PREFIX}:{name}:{ref}:{int(time.time() // window)}", int(limit), window)

    @property
    def retry_after(self) -> int:
        now = time.time()
        return int((now // self.window + 1) * self.window - now) + 1

    def check(self) -> None:
        """Raise :class:`Throttled` once the limit has been reached in this window."""
        if counters.read([self.key])[self.key] >= self.limit:
            raise Throttled(self.retry_after, "Too many requests. Try again later.")

    def hit(self) -> None:
        counters.count([self.key], self.window + 1)


def token_requests(request: HttpRequest, client_id: str) -> Limit:
    return Limit.for_request("token", request, identity_settings.OAUTH2_THROTTLE_TOKEN_REQUESTS, client_id)


def client_failures(request: HttpRequest) -> Limit:
    return Limit.for_request("client", request, identity_settings.OAUTH2_THROTTLE_CLIENT_FAILURES)


def user_code_failures(request: HttpRequest) -> Limit:
    return Limit.for_request("user-code", request, identity_settings.OAUTH2_THROTTLE_USER_CODE_FAILURES)
