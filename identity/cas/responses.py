"""Every document the CAS server sends, built in one place with an XML library.

- ``/validate`` (CAS 1.0, §2.4.2): ``yes\\n<user>\\n`` or ``no\\n\\n``, what every real client parses.
- ``serviceResponse`` (§2.5.2, §2.6.2, §2.7.2, Appendix A) as XML or, with ``format=JSON``, as JSON.
- The SAML 1.1 response of ``/samlValidate`` (§4.2.5).
- The single-logout ``LogoutRequest`` (Appendix C).

Elements are created with :mod:`xml.etree.ElementTree`, which escapes every value; names carry
their prefix and each document declares its namespaces on its root, so two documents using the
prefix ``samlp`` for different SAML versions never share global state. Characters XML 1.0
cannot carry are dropped from values.
"""

from __future__ import annotations

import json
import re
import secrets
import xml.etree.ElementTree as ET  # noqa: S405 - building documents only; parsing uses defusedxml
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.http import HttpResponse

from identity.cas.attributes import MULTI_VALUED

CAS_NS = "http://www.yale.edu/tp/cas"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SAML1_PROTOCOL_NS = "urn:oasis:names:tc:SAML:1.0:protocol"
SAML1_ASSERTION_NS = "urn:oasis:names:tc:SAML:1.0:assertion"
SAML2_PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML2_ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
CAS_ATTRIBUTE_NS = "http://www.ja-sig.org/products/cas/"

XML_CONTENT_TYPE = "application/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
SOAP_CONTENT_TYPE = "text/xml; charset=utf-8"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"

FORMATS = ("XML", "JSON")
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def instant(moment: datetime) -> str:
    """xs:dateTime in UTC, e.g. ``2015-11-12T09:30:10Z`` (Appendix A's example)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _root(tag: str, namespaces: dict[str, str], **attrs: str) -> ET.Element:
    """A document's root element, declaring the namespaces its prefixed names use."""
    declared = {f"xmlns:{prefix}": uri for prefix, uri in namespaces.items()}
    return ET.Element(tag, {**declared, **{k: _clean(v) for k, v in attrs.items()}})


def _serialize(root: ET.Element) -> bytes:
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)  # bytes for any encoding but "unicode"
    return document


# --- serviceResponse (XML and JSON) --------------------------------------------------------


@dataclass(frozen=True)
class Authentication:
    """What a successful validation tells the service."""

    user: str
    auth_time: datetime
    new_login: bool
    #: released attributes; None on the CAS 2.0 endpoints, which send no <cas:attributes>
    attributes: Sequence[tuple[str, Sequence[str]]] | None = None
    pgt_iou: str | None = None
    proxies: Sequence[str] = field(default_factory=tuple)  # most recent first


def _protocol_attributes(auth: Authentication) -> list[tuple[str, str | bool]]:
    return [
        ("authenticationDate", instant(auth.auth_time)),
        ("longTermAuthenticationRequestTokenUsed", False),  # no remember-me: sessions are the SSO session
        ("isFromNewLogin", auth.new_login),
    ]


def _cas_root() -> ET.Element:
    return _root("cas:serviceResponse", {"cas": CAS_NS})


def _xml_response(root: ET.Element) -> HttpResponse:
    return HttpResponse(_serialize(root), content_type=XML_CONTENT_TYPE)


def _json_response(body: dict[str, object]) -> HttpResponse:
    return HttpResponse(json.dumps({"serviceResponse": body}), content_type=JSON_CONTENT_TYPE)


def authentication_success(auth: Authentication, fmt: str = "XML") -> HttpResponse:
    if fmt == "JSON":
        success: dict[str, object] = {"user": auth.user}
        if auth.attributes is not None:
            attributes: dict[str, object] = dict(_protocol_attributes(auth))
            for name, values in auth.attributes:
                attributes[name] = list(values) if name in MULTI_VALUED or len(values) != 1 else values[0]
            success["attributes"] = attributes
        if auth.pgt_iou:
            success["proxyGrantingTicket"] = auth.pgt_iou
        if auth.proxies:
            success["proxies"] = list(auth.proxies)
        return _json_response({"authenticationSuccess": success})
    root = _cas_root()
    node = _el(root, "cas:authenticationSuccess")
    _el(node, "cas:user", auth.user)
    if auth.attributes is not None:  # Appendix A order: user, attributes, proxyGrantingTicket, proxies
        attributes_node = _el(node, "cas:attributes")
        for name, value in _protocol_attributes(auth):
            _el(attributes_node, f"cas:{name}", ("true" if value else "false") if isinstance(value, bool) else value)
        for name, values in auth.attributes:
            for value in values:  # multi-valued: one element per value (§2.5.7)
                _el(attributes_node, f"cas:{name}", value)
    if auth.pgt_iou:
        _el(node, "cas:proxyGrantingTicket", auth.pgt_iou)
    if auth.proxies:
        proxies = _el(node, "cas:proxies")
        for proxy in auth.proxies:
            _el(proxies, "cas:proxy", proxy)
    return _xml_response(root)


def authentication_failure(code: str, description: str, fmt: str = "XML") -> HttpResponse:
    if fmt == "JSON":
        return _json_response({"authenticationFailure": {"code": code, "description": description}})
    root = _cas_root()
    _el(root, "cas:authenticationFailure", description, code=code)
    return _xml_response(root)


def proxy_success(proxy_ticket: str, fmt: str = "XML") -> HttpResponse:
    if fmt == "JSON":
        return _json_response({"proxySuccess": {"proxyTicket": proxy_ticket}})
    root = _cas_root()
    _el(_el(root, "cas:proxySuccess"), "cas:proxyTicket", proxy_ticket)
    return _xml_response(root)


def proxy_failure(code: str, description: str, fmt: str = "XML") -> HttpResponse:
    if fmt == "JSON":  # §2.7.2's JSON example names the failure authenticationFailure
        return _json_response({"authenticationFailure": {"code": code, "description": description}})
    root = _cas_root()
    _el(root, "cas:proxyFailure", description, code=code)
    return _xml_response(root)


# --- /validate (CAS 1.0) ----------------------------------------------------------------


def validate_answer(username: str | None) -> HttpResponse:
    """§2.4.2. A user name with a line break cannot be told apart from the protocol: refused."""
    if username is None or "\n" in username or "\r" in username:
        return HttpResponse(b"no\n\n", content_type=TEXT_CONTENT_TYPE)
    return HttpResponse(f"yes\n{username}\n".encode(), content_type=TEXT_CONTENT_TYPE)


# --- /samlValidate (SAML 1.1) -----------------------------------------------------------


def _saml_subject(parent: ET.Element, user: str) -> None:
    subject = _el(parent, "saml:Subject")
    _el(subject, "saml:NameIdentifier", user)
    _el(_el(subject, "saml:SubjectConfirmation"), "saml:ConfirmationMethod", "urn:oasis:names:tc:SAML:1.0:cm:artifact")


def _saml_envelope(
    *, recipient: str, in_response_to: str | None, status: str, sub_status: str | None, message: str | None
) -> tuple[ET.Element, ET.Element]:
    envelope = _root("SOAP-ENV:Envelope", {"SOAP-ENV": SOAP_NS, "samlp": SAML1_PROTOCOL_NS, "saml": SAML1_ASSERTION_NS})
    _el(envelope, "SOAP-ENV:Header")
    body = _el(envelope, "SOAP-ENV:Body")
    attrs = {
        "IssueInstant": instant(datetime.now(UTC)),
        "MajorVersion": "1",
        "MinorVersion": "1",
        "Recipient": recipient,
        "ResponseID": "_" + secrets.token_hex(16),
    }
    if in_response_to:
        attrs["InResponseTo"] = in_response_to
    response = _el(body, "samlp:Response", **attrs)
    status_node = _el(response, "samlp:Status")
    code = _el(status_node, "samlp:StatusCode", Value=status)
    if sub_status:
        _el(code, "samlp:StatusCode", Value=sub_status)
    if message:
        _el(status_node, "samlp:StatusMessage", message)
    return envelope, response


def saml_success(
    auth: Authentication, *, recipient: str, issuer: str, in_response_to: str | None, lifetime: int
) -> HttpResponse:
    """§4.2.5. ``auth.attributes`` is None when the target is not https (§4.2.1: attributes
    MUST NOT be released to a non-SSL site)."""
    envelope, response = _saml_envelope(
        recipient=recipient, in_response_to=in_response_to, status="samlp:Success", sub_status=None, message=None
    )
    now = datetime.now(UTC)
    assertion = _el(
        response,
        "saml:Assertion",
        AssertionID="_" + secrets.token_hex(16),
        IssueInstant=instant(now),
        Issuer=issuer,
        MajorVersion="1",
        MinorVersion="1",
    )
    conditions = _el(
        assertion, "saml:Conditions", NotBefore=instant(now), NotOnOrAfter=instant(now + timedelta(seconds=lifetime))
    )
    _el(_el(conditions, "saml:AudienceRestrictionCondition"), "saml:Audience", recipient)
    if auth.attributes is not None:
        statement = _el(assertion, "saml:AttributeStatement")
        _saml_subject(statement, auth.user)
        protocol = [
            (n, ("true" if v else "false") if isinstance(v, bool) else v) for n, v in _protocol_attributes(auth)
        ]
        for name, values in [*((n, [v]) for n, v in protocol), *auth.attributes]:
            attribute = _el(statement, "saml:Attribute", AttributeName=name, AttributeNamespace=CAS_ATTRIBUTE_NS)
            for value in values:
                _el(attribute, "saml:AttributeValue", value)
    authn = _el(
        assertion,
        "saml:AuthenticationStatement",
        AuthenticationInstant=instant(auth.auth_time),
        AuthenticationMethod="urn:oasis:names:tc:SAML:1.0:am:password",
    )
    _saml_subject(authn, auth.user)
    return HttpResponse(_serialize(envelope), content_type=SOAP_CONTENT_TYPE)


def saml_failure(code: str, description: str, *, recipient: str, in_response_to: str | None) -> HttpResponse:
    """A SAML status other than Success, with the CAS failure code in the message. Bad requests
    are the requester's fault (``samlp:Requester``), bad tickets are ``samlp:RequestDenied``."""
    internal = code == "INTERNAL_ERROR"
    envelope, _ = _saml_envelope(
        recipient=recipient,
        in_response_to=in_response_to,
        status="samlp:Responder" if internal else "samlp:Requester",
        sub_status=None if internal or code == "INVALID_REQUEST" else "samlp:RequestDenied",
        message=f"{code}: {description}",
    )
    return HttpResponse(_serialize(envelope), content_type=SOAP_CONTENT_TYPE)


# --- single logout (Appendix C) ---------------------------------------------------------


def logout_request(ticket: str, now: datetime | None = None) -> str:
    """The SAML 2.0 ``LogoutRequest`` whose ``SessionIndex`` is exactly the service ticket
    (no white space around it: clients compare it to the ticket they stored)."""
    root = _root(
        "samlp:LogoutRequest",
        {"samlp": SAML2_PROTOCOL_NS, "saml": SAML2_ASSERTION_NS},
        ID="_" + secrets.token_hex(16),
        Version="2.0",
        IssueInstant=instant(now or datetime.now(UTC)),
    )
    _el(root, "saml:NameID", "@NOT_USED@")
    _el(root, "samlp:SessionIndex", ticket)
    return _serialize(root).decode()
