"""The CAS failure codes (CAS 3.0 §2.5.3 and §2.7.3) and the exception that carries one.

Views turn a :class:`CasFailure` into the endpoint's own failure document (XML, JSON, the
``no`` line of ``/validate`` or a SAML status), all built in :mod:`identity.cas.responses`."""

from __future__ import annotations

INVALID_REQUEST = "INVALID_REQUEST"
INVALID_TICKET_SPEC = "INVALID_TICKET_SPEC"
UNAUTHORIZED_SERVICE_PROXY = "UNAUTHORIZED_SERVICE_PROXY"
INVALID_PROXY_CALLBACK = "INVALID_PROXY_CALLBACK"
INVALID_TICKET = "INVALID_TICKET"
INVALID_SERVICE = "INVALID_SERVICE"
INTERNAL_ERROR = "INTERNAL_ERROR"
UNAUTHORIZED_SERVICE = "UNAUTHORIZED_SERVICE"  # /proxy only (§2.7.3)


class CasFailure(Exception):
    def __init__(self, code: str, description: str) -> None:
        self.code = code
        self.description = description
        super().__init__(f"{code}: {description}")
