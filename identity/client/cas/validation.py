"""Talking to the CAS server: the URLs of its endpoints, ticket validation on
``p3/serviceValidate`` (CAS 3.0 §2.8, attributes included) and reading its single-logout
requests (Appendix C). XML is parsed with defusedxml. This is the client side: it never imports
``identity.cas``, the server."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from identity.conf import identity_settings
from identity.core import http

CAS_NS = "{http://www.yale.edu/tp/cas}"
SAML2_PROTOCOL_NS = "{urn:oasis:names:tc:SAML:2.0:protocol}"
MAX_TICKET_LENGTH = 256
_TICKET = re.compile(r"\A[A-Za-z0-9-]{4,256}\Z")  # §3.7: only A-Z, a-z, 0-9 and "-"
MAX_LOGOUT_REQUEST_BYTES = 16 * 1024


class CasValidationError(Exception):
    def __init__(self, code: str, description: str) -> None:
        self.code = code
        self.description = description
        super().__init__(f"{code}: {description}")


@dataclass(frozen=True)
class CasIdentity:
    username: str
    attributes: dict[str, list[str]] = field(default_factory=dict)


def server_url(path: str) -> str:
    base: str = identity_settings.CLIENT_CAS_SERVER_URL
    return urljoin(base, path)


def login_url(service: str) -> str:
    return f"{server_url('login')}?{urlencode({'service': service})}"


def logout_url(service: str) -> str:
    return f"{server_url('logout')}?{urlencode({'service': service})}"


def is_ticket(value: str | None) -> bool:
    return value is not None and _TICKET.match(value) is not None  # "" does not match either


def validate(ticket: str, service: str) -> CasIdentity:
    """Validate ``ticket`` for exactly ``service``; CasValidationError says why it failed."""
    if not is_ticket(ticket):
        raise CasValidationError("INVALID_TICKET", "The ticket in the link is malformed.")
    url = f"{server_url('p3/serviceValidate')}?{urlencode({'service': service, 'ticket': ticket})}"
    try:
        result = http.get(url, timeout=identity_settings.CLIENT_CAS_TIMEOUT)
    except http.HttpError as exc:
        raise CasValidationError("UNREACHABLE", f"The sign-in server could not be reached: {exc}") from None
    if result.status != 200:
        raise CasValidationError("BAD_RESPONSE", f"The sign-in server answered HTTP {result.status}.")
    return parse_validation(result.body)


def parse_validation(body: bytes) -> CasIdentity:
    try:
        root = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise CasValidationError("BAD_RESPONSE", "The sign-in server's answer is not valid XML.") from None
    if root.tag != f"{CAS_NS}serviceResponse" or len(root) != 1:
        raise CasValidationError("BAD_RESPONSE", "The sign-in server's answer is not a CAS serviceResponse.")
    outcome = root[0]
    if outcome.tag == f"{CAS_NS}authenticationFailure":
        raise CasValidationError(outcome.get("code", "UNKNOWN"), (outcome.text or "").strip() or "Sign-in failed.")
    user = outcome.find(f"{CAS_NS}user") if outcome.tag == f"{CAS_NS}authenticationSuccess" else None
    username = (user.text or "").strip() if user is not None else ""
    if not username:
        raise CasValidationError("BAD_RESPONSE", "The sign-in server's answer names no user.")
    attributes: dict[str, list[str]] = {}
    node = outcome.find(f"{CAS_NS}attributes")
    for element in node if node is not None else ():
        if element.tag.startswith(CAS_NS):
            attributes.setdefault(element.tag[len(CAS_NS) :], []).append(element.text or "")
    return CasIdentity(username, attributes)


def logout_ticket(logout_request: str) -> str | None:
    """The ``SessionIndex`` (the service ticket) of a single-logout request, or None."""
    if len(logout_request) > MAX_LOGOUT_REQUEST_BYTES:
        return None
    try:
        root = fromstring(logout_request.encode(), forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        return None
    if root.tag != f"{SAML2_PROTOCOL_NS}LogoutRequest":
        return None
    index = root.find(f"{SAML2_PROTOCOL_NS}SessionIndex")
    ticket = (index.text or "").strip() if index is not None else ""
    return ticket if is_ticket(ticket) else None
