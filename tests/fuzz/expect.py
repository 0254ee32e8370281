"""What every answer to a hostile request must look like (issue 11): never a 5xx, and the
protocol's own error: JSON ``{"error", "error_description"}`` with a code the endpoint's RFC
allows, CAS failure codes, or an HTML page in identity's design (never Django's debug page)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from tests.fuzz.endpoints import Endpoint, Family
from tests.fuzz.strategies import Case
from tests.fuzz.wire import Reply

#: RFC 6749 §5.2, plus the device grant's polling errors (RFC 8628 §3.5).
TOKEN_ERRORS = {"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type",
                "invalid_scope", "authorization_pending", "slow_down", "access_denied", "expired_token"}  # fmt: skip
REVOKE_ERRORS = {"invalid_request", "invalid_client", "unsupported_token_type"}  # RFC 7009 §2.2.1
INTROSPECT_ERRORS = {"invalid_request", "invalid_client"}  # RFC 7662 §2.3 (RFC 6749 §5.2 errors)
DEVICE_ERRORS = {"invalid_request", "invalid_client", "invalid_scope", "unauthorized_client"}  # RFC 8628 §3.2
USERINFO_ERRORS = {"invalid_request", "invalid_token", "insufficient_scope"}  # RFC 6750 §3.1
BACKCHANNEL_ERRORS = {"invalid_request"}  # OIDC Back-Channel Logout 1.0 §2.8
#: CAS 3.0 §2.5.3 and §2.7.2, without INTERNAL_ERROR (that is a server fault, as a 5xx is)
CAS_CODES = {"INVALID_REQUEST", "INVALID_TICKET_SPEC", "UNAUTHORIZED_SERVICE_PROXY", "INVALID_PROXY_CALLBACK",
             "INVALID_TICKET", "INVALID_SERVICE", "UNAUTHORIZED_SERVICE"}  # fmt: skip
#: RFC 6749 §5.2: error codes are %x20-21 / %x23-5B / %x5D-7E.
ERROR_SYNTAX = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]+")
#: identity's pages link its stylesheet (identity/templates/identity/base.html).
DESIGN_MARKER = "identity/identity.css"
#: Django's technical pages (debug 404/500, the CSRF failure page) carry this; identity's never do.
DJANGO_TECHNICAL = '<meta name="robots" content="NONE,NOARCHIVE">'
CAS_FAILURE = re.compile(r'<cas:(authentication|proxy)Failure code="([^"]*)"')


def _json_error(reply: Reply, allowed: set[str] | None) -> dict[str, Any]:
    """RFC 6749 §5.2's error object; a 429 (identity's throttles) may say ``slow_down``."""
    assert reply.content_type == "application/json", f"not JSON: {reply!r}"
    try:
        body = reply.json()
    except ValueError:
        raise AssertionError(f"not JSON: {reply!r}") from None
    assert isinstance(body, dict), f"not a JSON object: {reply!r}"
    error = body.get("error")
    assert isinstance(error, str) and ERROR_SYNTAX.fullmatch(error), f"no RFC 6749 'error': {reply!r}"
    assert isinstance(body.get("error_description"), str), f"no 'error_description': {reply!r}"
    if allowed is not None and not (reply.status == 429 and error == "slow_down"):
        assert error in allowed, f"error {error!r} is not one of {sorted(allowed)}: {reply!r}"
    return body


def _oauth(allowed: set[str]) -> Callable[[Case, Reply], None]:
    def check(case: Case, reply: Reply) -> None:
        if reply.status >= 400:
            _json_error(reply, allowed)

    return check


def _api(case: Case, reply: Reply) -> None:
    if reply.status >= 400:
        _json_error(reply, None)


def _token(case: Case, reply: Reply) -> None:
    if reply.status < 400:
        return
    error = _json_error(reply, TOKEN_ERRORS)["error"]
    # RFC 6749 §3.2 and §5.2: a missing or repeated parameter is invalid_request (unless the
    # client's authentication failed first: invalid_client).
    grant_types = case.values("grant_type")
    if len(grant_types) != 1 and not case.oversized:
        why = "missing" if not grant_types else "repeated"
        assert error in {"invalid_request", "invalid_client"}, (
            f"grant_type {why}: {error!r} instead of invalid_request: {reply!r}"
        )


def _userinfo(case: Case, reply: Reply) -> None:
    challenge = reply.headers.get("www-authenticate", "")
    assert not challenge or challenge.lower().startswith("bearer"), (
        f"userinfo is an RFC 6750 protected resource: its challenge is Bearer, not {challenge!r}: {reply!r}"
    )
    if reply.status == 401:
        assert challenge, f"401 without a WWW-Authenticate: Bearer challenge (RFC 6750 §3): {reply!r}"
    if reply.status >= 400:
        _json_error(reply, USERINFO_ERRORS)


def _metadata(case: Case, reply: Reply) -> None:
    if reply.status == 200 and case.request.method != b"HEAD":
        assert reply.content_type == "application/json", reply
        assert isinstance(json.loads(reply.body), dict), reply


def page(case: Case, reply: Reply) -> None:
    """An HTML page or a redirect; an error page is text/html, and a 400 is identity's own page.
    A request carrying a credential other than the session is refused in JSON (pages accept
    only a browser session: the README's credential table)."""
    if reply.status < 400 or not reply.body:  # a redirect, a page, or a bare 405
        return
    if reply.status in {400, 401, 403} and reply.content_type == "application/json":
        assert any(name.lower() == b"authorization" for name, _ in case.request.headers), reply
        _json_error(reply, None)  # the credential's own refusal (identity.core.challenges)
        return
    assert reply.content_type == "text/html", f"an error page that is not HTML: {reply!r}"
    if reply.status == 400:
        assert DJANGO_TECHNICAL not in reply.text, f"Django's technical page instead of identity's: {reply!r}"
        assert DESIGN_MARKER in reply.text, f"a 400 page not in identity's design: {reply!r}"


def _cas_codes(case: Case, reply: Reply, ticket: str, service: str) -> None:
    if case.oversized and reply.status == 400:
        return page(case, reply)  # the body was refused before the view: an identity page
    assert reply.status == 200, f"CAS answers validation failures with 200 and a failure code: {reply!r}"
    if reply.content_type == "application/json":
        failure = reply.json().get("serviceResponse", {})
        failure = failure.get("authenticationFailure") or failure.get("proxyFailure")
        code = failure and failure.get("code")
        assert code or "authenticationSuccess" in reply.text or "proxySuccess" in reply.text, reply
    else:
        assert reply.content_type in {"application/xml", "text/xml"}, f"neither CAS XML nor JSON: {reply!r}"
        match = CAS_FAILURE.search(reply.text)
        code = match.group(2) if match else None
        assert code or "Success" in reply.text, f"no CAS failure element: {reply!r}"
    if code is None:
        return
    assert code in CAS_CODES, f"CAS code {code!r} is not a CAS 3.0 failure code: {reply!r}"
    # CAS 3.0 §2.5.3: INVALID_REQUEST is for missing parameters; a ticket that is there but
    # is not one we issued (too long, malformed, unknown) is INVALID_TICKET (or _SPEC).
    # (only when they are all there is, each once: a repeated or malformed other parameter may be
    # INVALID_REQUEST)
    names = [name for name, _ in case.params]
    only = sorted(names) == sorted({ticket, service})
    if only and case.present(ticket) and case.present(service) and not case.oversized:
        assert code != "INVALID_REQUEST", (
            f"{ticket} and {service} were both given: {code} instead of INVALID_TICKET: {reply!r}"
        )


def _cas_validate(case: Case, reply: Reply) -> None:
    _cas_codes(case, reply, "ticket", "service")


def _cas_proxy(case: Case, reply: Reply) -> None:
    _cas_codes(case, reply, "pgt", "targetService")


def _cas_validate_v1(case: Case, reply: Reply) -> None:
    if case.oversized and reply.status == 400:
        return page(case, reply)
    assert reply.status == 200 and reply.content_type == "text/plain", reply
    assert reply.text in {"no\n\n"} or reply.text.startswith("yes\n"), f"not a CAS 1.0 answer: {reply!r}"


def _cas_saml(case: Case, reply: Reply) -> None:
    if reply.status == 405 and not reply.body:
        return
    assert reply.content_type in {"text/xml", "application/xml"}, f"not a SAML 1.1 SOAP answer: {reply!r}"
    assert "samlp:Status" in reply.text or "samlp:Response" in reply.text, f"no SAML status: {reply!r}"


def _backchannel(case: Case, reply: Reply) -> None:
    if reply.status >= 400 and reply.body and reply.status != 405:
        _json_error(reply, BACKCHANNEL_ERRORS)


def _cas_callback(case: Case, reply: Reply) -> None:
    if reply.status >= 400 and reply.content_type == "text/plain":
        assert reply.status == 400, reply  # the SLO receiver refusing a logout request
        return
    page(case, reply)


_SERVER_ERRORS: dict[str, type[AssertionError]] = {}
#: The demo runs with DEBUG on: Django's technical 500 page names the exception in its title.
DEBUG_TITLE = re.compile(r"<title>\s*([A-Za-z_][\w.]*)")


def server_error(reply: Reply) -> type[AssertionError]:
    """One AssertionError subclass per exception the server names, so that hypothesis, which
    tells bugs apart by exception type and line, reports each kind of 500 with its own minimal
    example instead of only the first one it found."""
    match = DEBUG_TITLE.search(reply.text)
    name = match.group(1).rsplit(".", 1)[-1] if match else "ServerError"
    if name not in _SERVER_ERRORS:
        _SERVER_ERRORS[name] = type(f"Answered500_{name}", (AssertionError,), {})
    return _SERVER_ERRORS[name]


CHECKS: dict[Family, Callable[[Case, Reply], None]] = {
    Family.API: _api,
    Family.TOKEN: _token,
    Family.REVOKE: _oauth(REVOKE_ERRORS),
    Family.INTROSPECT: _oauth(INTROSPECT_ERRORS),
    Family.DEVICE_AUTHORIZATION: _oauth(DEVICE_ERRORS),
    Family.USERINFO: _userinfo,
    Family.METADATA: _metadata,
    Family.PAGE: page,
    Family.CAS_VALIDATE: _cas_validate,
    Family.CAS_VALIDATE_V1: _cas_validate_v1,
    Family.CAS_PROXY: _cas_proxy,
    Family.CAS_SAML: _cas_saml,
    Family.BACKCHANNEL: _backchannel,
    Family.CAS_CALLBACK: _cas_callback,
}


#: The HTTP server's own refusals, before any of identity's code runs (RFC 9110 §15.5.15 414 URI
#: Too Long, RFC 6585 §5 431 Header Fields Too Large): the front server's page, not a protocol's.
FRONT_SERVER_REFUSALS = {414, 431}


def check(endpoint: Endpoint, case: Case, reply: Reply) -> None:
    """Never a 5xx; then the endpoint family's own shape, unless the HTTP server itself refused
    the request line or headers before Django saw them."""
    if reply.status >= 500:
        raise server_error(reply)(f"{endpoint.id} answered {reply.status}: {reply!r}")
    if reply.status in FRONT_SERVER_REFUSALS:
        return
    CHECKS[endpoint.family](case, reply)
