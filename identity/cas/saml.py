"""Reading the SAML 1.1 request of ``/samlValidate`` (CAS §4.2.2 – §4.2.4) with defusedxml:
no DTDs, no entities, no external references, and a size cap before parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from identity.cas.responses import SAML1_PROTOCOL_NS

MAX_REQUEST_BYTES = 16 * 1024
_REQUEST_ID = re.compile(r"\A[A-Za-z0-9_.:-]{1,128}\Z")


class BadSamlRequest(ValueError):
    pass


@dataclass(frozen=True)
class SamlRequest:
    ticket: str
    request_id: str | None


def parse(body: bytes) -> SamlRequest:
    if not body:
        raise BadSamlRequest("The request has no SAML body.")
    if len(body) > MAX_REQUEST_BYTES:
        raise BadSamlRequest("The SAML request is too large.")
    try:
        root = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise BadSamlRequest(f"The SAML request is not well-formed XML ({exc.__class__.__name__}).") from None
    requests = list(root.iter(f"{{{SAML1_PROTOCOL_NS}}}Request"))
    artifacts = list(root.iter(f"{{{SAML1_PROTOCOL_NS}}}AssertionArtifact"))
    if len(requests) != 1 or len(artifacts) != 1:
        raise BadSamlRequest("The SAML request must hold exactly one samlp:Request with one AssertionArtifact.")
    ticket = (artifacts[0].text or "").strip()
    if not ticket:
        raise BadSamlRequest("The AssertionArtifact (the service ticket) is empty.")
    request_id = requests[0].get("RequestID")
    return SamlRequest(ticket, request_id if request_id and _REQUEST_ID.match(request_id) else None)
