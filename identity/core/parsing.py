"""The request-parsing layer every identity endpoint goes through: one size limit, one JSON
depth limit and one set of encoding checks, and every way Django itself refuses a request body
(``RequestDataTooBig``, ``TooManyFieldsSent``, a bad multipart boundary, a dropped connection)
turned into the endpoint family's own error instead of a 500 or Django's HTML page.

A family (the JSON API, the OAuth back channel, CAS, identity's pages) wraps its views with
:func:`guarded`, naming the function that builds its error; the guard checks the query string
and a form body before the view runs and catches what the view's first read of the body raises.
:class:`~identity.core.middleware.AuthenticationMiddleware` runs the same check earlier for a
request with a body, so a refusal comes before Django's CSRF check reads the form. JSON bodies
are read by :func:`parse_json` (the DRF parser of :mod:`identity.contrib.rest_framework.parsers`).

What is refused, and why:

* a body over ``IDENTITY["REQUEST_MAX_BYTES"]`` (413; every body identity reads is small);
* JSON nested deeper than ``IDENTITY["REQUEST_JSON_MAX_DEPTH"]`` (Python's parser recurses:
  thousands of ``[`` would be a ``RecursionError``), ``NaN``/``Infinity`` (not JSON, RFC 8259 §6);
* bytes that are not UTF-8 (RFC 8259 §8.1; forms and query strings are UTF-8 by the WHATWG URL
  standard), lone UTF-16 surrogates (``"\\ud800"``: no UTF-8 encoding exists, so hashing or
  storing one fails) and C0 control characters other than tab, CR and LF (NUL cannot be stored
  in PostgreSQL text; none belongs in a name, a token or a password).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase

from identity.conf import identity_settings
from identity.exceptions import IdentityError

log = logging.getLogger("identity.parsing")

#: Methods whose body identity reads (GET, HEAD, OPTIONS and DELETE bodies are never read).
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
#: The charsets a body may declare: UTF-8 and its ASCII subset.
UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})

#: Characters no field of identity's takes: C0 controls but tab, LF and CR, and lone surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
#: JSON strings (with their escapes) and brackets: what the depth scan looks at.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class BadInput(IdentityError):
    """A request identity cannot read (RFC 6749 §5.2 ``invalid_request``, CAS
    ``INVALID_REQUEST``); every family answers it in its own shape."""

    status_code = 400
    error = "invalid_request"
    default_description = "The request could not be read."
    #: The parameter whose value could not be read, when one is to blame: a protocol that names
    #: the parameter at fault in its answer (CAS: ``INVALID_TICKET``, ``INVALID_SERVICE``) reads it.
    field: str | None = None

    @classmethod
    def in_field(cls, field: str | None, description: str) -> BadInput:
        refusal = cls(description)
        refusal.field = field
        return refusal


class BodyTooLarge(BadInput):
    """A body over the limit (RFC 9110 §15.5.14 ``413 Content Too Large``, where the family's
    protocol has a status of its own to choose)."""

    status_code = 413
    default_description = "The request body is too large."


#: A family's error builder: the response for a request refused with ``error``.
Answer = Callable[[HttpRequest, BadInput], HttpResponseBase]

P = ParamSpec("P")
R = TypeVar("R", bound=HttpRequest)


def guarded(answer: Answer) -> Callable[[Callable[Concatenate[R, P], Any]], Callable[Concatenate[R, P], Any]]:
    """Decorate a family's views: the request is checked (:func:`check`) before the view runs,
    and whatever the view's reading of the body raises is answered by ``answer``. The view keeps
    ``answer`` as ``identity_bad_input`` for the middleware's early check."""

    def decorate(view: Callable[Concatenate[R, P], Any]) -> Callable[Concatenate[R, P], Any]:
        @wraps(view)
        def wrapper(request: R, /, *args: P.args, **kwargs: P.kwargs) -> Any:
            try:
                check(request)
                return view(request, *args, **kwargs)
            except Exception as exc:
                refusal = as_bad_input(exc)
                if refusal is None:
                    raise
                return answer(request, refusal)

        wrapper.identity_bad_input = answer  # type: ignore[attr-defined]
        return wrapper

    return decorate


def as_bad_input(exc: BaseException) -> BadInput | None:
    """What an exception raised while reading a request means for the client, or None if it is
    not about the request's data. Django's own refusals are logged as Django logs them (on
    ``django.security.<name>``), since the response no longer says which one it was."""
    if isinstance(exc, BadInput):
        return exc
    if isinstance(exc, RequestDataTooBig):
        _log_suspicious(exc)
        return BodyTooLarge()
    if isinstance(exc, SuspiciousOperation):
        _log_suspicious(exc)
        return BadInput(_DJANGO_REFUSALS.get(type(exc).__name__, "The request was refused."))
    if isinstance(exc, MultiPartParserError):
        return BadInput("The multipart body is malformed.")
    if isinstance(exc, UnreadablePostError):
        return BadInput("The request body could not be read.")
    return None


#: What Django's own refusals mean to a client (Django's messages name its settings instead).
_DJANGO_REFUSALS = {
    "TooManyFieldsSent": "The request has too many fields.",
    "TooManyFilesSent": "The request has too many files.",
    "DisallowedHost": "The Host header is not one this site answers to.",
}


def _log_suspicious(exc: SuspiciousOperation) -> None:
    logging.getLogger(f"django.security.{type(exc).__name__}").warning("%s", exc)


def check(request: HttpRequest) -> None:
    """Refuse a request whose query string or form body identity cannot read; a JSON body is
    read (and checked) by :func:`parse_json`. A request without a body costs a dict lookup."""
    if request.META.get("QUERY_STRING"):
        _check_query(request)
    if request.method in BODY_METHODS:
        check_body(request)


def _check_query(request: HttpRequest) -> None:
    if getattr(request, "_identity_query_checked", False):
        return
    raw = request.META.get("QUERY_STRING", "")
    try:
        data = raw.encode("latin-1")  # WSGI: the bytes received, as latin-1 text (PEP 3333)
    except UnicodeEncodeError:
        data = raw.encode("utf-8", "surrogatepass")  # a server that decoded them already
    check_pairs(data, "query string")
    request._identity_query_checked = True  # type: ignore[attr-defined]


def check_body(request: HttpRequest) -> None:
    """The size limit, then a form body's encoding (a JSON body is left to its parser)."""
    if getattr(request, "_identity_body_checked", False):
        return
    limit = identity_settings.REQUEST_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadInput("The Content-Length header is not a number.") from None
    if length > limit:
        raise BodyTooLarge(f"The request body is larger than {limit} bytes.")
    charset = (request.content_params or {}).get("charset", "utf-8").strip().lower()
    if charset not in UTF8_NAMES:
        # Django would decode the form in that charset (a UnicodeDecodeError deep in QueryDict);
        # every body identity takes is UTF-8 (RFC 8259 §8.1 for JSON).
        raise BadInput(f"The request body must be UTF-8, not {charset[:40]!r}.")
    if length and request.content_type == "application/x-www-form-urlencoded":
        check_pairs(request.body, "form body")
        request.POST  # noqa: B018 - Django's own refusals (TooManyFieldsSent) surface here, not in a view
    elif request.content_type == "multipart/form-data":  # even empty: a missing boundary is refused here
        for name, values in request.POST.lists():
            check_text(name, "form field name")
            for value in values:
                check_text(value, f"form field {name!r}", field=name)
    request._identity_body_checked = True  # type: ignore[attr-defined]


def check_pairs(data: bytes, where: str) -> None:
    """``name=value&…`` (application/x-www-form-urlencoded): every name and value must decode as
    UTF-8 to text without forbidden characters. Django decodes leniently (a bad byte becomes
    U+FFFD); this refuses instead, so a mangled value never reaches a lookup."""
    for name, value in _pairs(data):
        try:
            text_name = name.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput(f"The {where} is not valid UTF-8.") from None
        check_text(text_name, f"{where} parameter name")
        try:
            text_value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput.in_field(text_name, f"The {where} is not valid UTF-8.") from None
        check_text(text_value, f"{where} parameter {text_name[:40]!r}", field=text_name)


def _pairs(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    for field in re.split(rb"[&;]", data):
        if not field:
            continue
        name, _, value = field.partition(b"=")
        yield unquote_to_bytes(name.replace(b"+", b" ")), unquote_to_bytes(value.replace(b"+", b" "))


def check_text(value: str, where: str, *, field: str | None = None) -> None:
    found = _FORBIDDEN.search(value)
    if found is not None:
        what = "a lone UTF-16 surrogate" if "\ud800" <= found.group() <= "\udfff" else "a control character"
        raise BadInput.in_field(field, f"The {where} holds {what}.")


def parse_json(data: bytes) -> Any:
    """A JSON body (RFC 8259) as Python values, refused unless it is UTF-8, nested at most
    ``REQUEST_JSON_MAX_DEPTH`` deep, free of ``NaN``/``Infinity`` and of forbidden characters in
    every string and key. The depth is measured by a flat scan before parsing, so no depth of
    nesting can reach the recursive parser."""
    if len(data) > identity_settings.REQUEST_MAX_BYTES:
        raise BodyTooLarge(f"The request body is larger than {identity_settings.REQUEST_MAX_BYTES} bytes.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("The request body is not valid UTF-8.") from None
    _check_depth(data, identity_settings.REQUEST_JSON_MAX_DEPTH)
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise BadInput("The request body is not valid JSON.") from None
    for item in _strings(value):
        check_text(item, "JSON body")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_depth(data: bytes, limit: int) -> None:
    depth = 0
    for token in _JSON_TOKENS.finditer(data):
        char = token.group()
        if char in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise BadInput(f"The JSON body is nested deeper than {limit} levels.")
        elif char in (b"]", b"}"):
            depth -= 1


def _strings(value: Any) -> Iterable[str]:
    """Every string in a parsed JSON value, keys included, without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item.keys()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
