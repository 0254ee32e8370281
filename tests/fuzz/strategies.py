"""Hypothesis strategies for hostile requests (issue 11): invalid UTF-8 and lone surrogates in
bodies, query strings, form fields and headers; deeply nested and huge JSON; oversized bodies
and headers; repeated parameters; wrong and missing content types; NUL bytes and control
characters; huge, negative and float numbers where integers are expected; very long tokens,
tickets, codes and URLs.

Every strategy draws bytes; :func:`cases` assembles them into a :class:`Case`: the request as
sent plus the parameters as the server will parse them, so a check can state a property of the
request ("``grant_type`` was sent twice") next to the answer it demands."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

from tests.fuzz.wire import Request

#: Bigger than Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB) and any limit identity sets below it.
OVERSIZED_BODY = 2_700_000
#: Under the 64 KiB line limit of the development server's http.server, so Django sees them.
LONG_HEADER = (8_000, 60_000)
DEEP = (1_000, 5_000)

INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\x28", b"\xc0\xaf",
                b"\xf8\x88\x80\x80\x80", b"\x80", b"\xed\xbf\xbf"]  # fmt: skip
LONE_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
CONTROLS = st.characters(max_codepoint=0x1F) | st.sampled_from(["\x7f", "\x85", "\u2028", "\u202e", "\ufeff"])
NUMBERS = [b"0", b"-1", b"-0", b"1.5", b"1e308", b"-1e308", b"NaN", b"Infinity", b"0x10", b"1_000",
           str(2**64).encode(), str(-(2**63) - 1).encode(), b"9" * 400, b"1" + b"0" * 5000]  # fmt: skip
TOKEN_PREFIXES = [b"", b"idt_", b"eyJ", b"eyJhbGciOiJub25lIn0.", b"ST-", b"PT-", b"PGT-", b"PGTIOU-", b"http://x/",
                  b"https://localhost/", b"Bearer ", b"Basic "]  # fmt: skip
LONG = st.sampled_from([257, 1_025, 4_097, 20_000])


@st.composite
def invalid_utf8(draw: st.DrawFn) -> bytes:
    text = draw(st.text(max_size=8)).encode()
    return text + draw(st.sampled_from(INVALID_UTF8)) + draw(st.text(max_size=8)).encode()


@st.composite
def lone_surrogate(draw: st.DrawFn) -> bytes:
    """A lone UTF-16 surrogate as UTF-8 would encode it if it could (invalid UTF-8)."""
    return (draw(st.text(max_size=4)) + draw(LONE_SURROGATES)).encode("utf-8", "surrogatepass")


@st.composite
def controls(draw: st.DrawFn) -> bytes:
    return "".join(draw(st.lists(CONTROLS | st.sampled_from("a0"), min_size=1, max_size=12))).encode()


@st.composite
def long_value(draw: st.DrawFn) -> bytes:
    """A very long token, ticket, code or URL."""
    return draw(st.sampled_from(TOKEN_PREFIXES)) + draw(st.sampled_from([b"A", b"a.", b"%41", b"/"])) * draw(LONG)


def hostile_value() -> st.SearchStrategy[bytes]:
    """One parameter value, as bytes before transport encoding."""
    return st.one_of(
        invalid_utf8(),
        lone_surrogate(),
        controls(),
        st.sampled_from(NUMBERS),
        long_value(),
        st.binary(max_size=24),
        st.text(max_size=24).map(str.encode),
        st.just(b""),
    )


#: Parameters that carry a token, ticket, code or URL: drawn very long more often.
LONG_PARAMS = {"ticket", "service", "pgt", "targetService", "code", "token", "refresh", "refresh_token",
               "device_code", "code_verifier", "redirect_uri", "access_token", "logout_token", "id_token_hint",
               "user_code", "next"}  # fmt: skip


def value_for(name: str, plausible: dict[str, list[bytes]]) -> st.SearchStrategy[bytes]:
    """A hostile value, or a plausible one (so the fuzz reaches past the first check)."""
    known = plausible.get(name)
    hostile = st.one_of(hostile_value(), long_value()) if name in LONG_PARAMS else hostile_value()
    return st.one_of(st.sampled_from(known), hostile) if known else hostile


@dataclass(frozen=True)
class Case:
    """A request and the parameters the server parses from it (its query and form body)."""

    request: Request
    params: tuple[tuple[str, str], ...] = ()  # decoded like Django does: UTF-8, errors replaced
    form: bool = False  # the body is a well-formed application/x-www-form-urlencoded body
    oversized: bool = False
    notes: tuple[str, ...] = field(default=())

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.params if key == name]

    def present(self, name: str) -> bool:
        """Sent once or more with a value that is not blank."""
        return any(value.strip() for value in self.values(name))

    def __repr__(self) -> str:
        return f"Case({self.request!r}, notes={self.notes})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """What hypothesis prints for a failing example: the short form."""
        printer.text(repr(self))


def _decoded(raw: bytes) -> str:
    return raw.replace(b"+", b" ").decode("utf-8", "replace")


def encode_pairs(pairs: list[tuple[bytes, bytes]], raw: bool) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    """``pairs`` as a query string or form body: percent-encoded, or the bytes themselves (minus
    the few that would end the request line or split a pair) to hit the decoder head-on."""
    if raw:
        # and what the development server's request line parser (str.split) takes for a space
        bad = {c for c in range(256) if c < 0x21 or c == 0x7F or chr(c).isspace()} | set(b"&=#%+?")
        pairs = [(bytes(c for c in k if c not in bad), bytes(c for c in v if c not in bad)) for k, v in pairs]
        encoded = b"&".join(k + b"=" + v for k, v in pairs)
    else:
        encoded = b"&".join(quote_from_bytes(k).encode() + b"=" + quote_from_bytes(v).encode() for k, v in pairs)
    return encoded, tuple((_decoded(k), _decoded(v)) for k, v in pairs)


@st.composite
def param_pairs(
    draw: st.DrawFn, names: tuple[str, ...], plausible: dict[str, list[bytes]], required: tuple[str, ...] = ()
) -> list[tuple[bytes, bytes]]:
    """Some of the endpoint's parameters (hostile or plausible values), the ones it requires
    most of the time (so the fuzz reaches the checks behind them), sometimes repeated,
    sometimes with a junk name."""
    chosen = draw(st.lists(st.sampled_from(names), max_size=len(names) + 1)) if names else []
    send_required: int = draw(st.integers(0, 3))
    if required and send_required:
        chosen = [*required, *(name for name in chosen if name not in required)]
    pairs = [(name.encode(), draw(value_for(name, plausible))) for name in chosen]
    repeat: bool = draw(st.booleans())
    if pairs and repeat:  # a repeated parameter (RFC 6749 §3.1, §3.2: never more than once)
        name, _ = draw(st.sampled_from(pairs))
        pairs.insert(draw(st.integers(0, len(pairs))), (name, draw(value_for(name.decode(), plausible))))
    if draw(st.integers(0, 5)) == 0:
        pairs.append((draw(hostile_value()) or b"x", draw(hostile_value())))
    return pairs


def json_value(names: tuple[str, ...]) -> st.SearchStrategy[object]:
    leaves = st.one_of(
        st.text(max_size=20),
        st.text(alphabet=LONE_SURROGATES | CONTROLS | st.characters(), max_size=12),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
    )
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.sampled_from(names) if names else st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=8,
    )


@st.composite
def json_body(draw: st.DrawFn, names: tuple[str, ...]) -> tuple[bytes, str]:
    """A JSON (or JSON-looking) body and what it is."""
    kinds = ["object", "object", "surrogate", "surrogate", "deep-array", "deep-object", "huge", "broken", "number"]
    kind = draw(st.sampled_from(kinds))
    if kind == "object":
        keys = st.sampled_from(names) if names else st.text(max_size=8)
        body = json.dumps(draw(st.dictionaries(keys, json_value(names), max_size=4)), ensure_ascii=draw(st.booleans()))
        return body.encode("utf-8", "surrogatepass"), kind
    if kind == "deep-array":
        depth = draw(st.integers(*DEEP))
        return b"[" * depth + b"]" * depth, kind
    if kind == "deep-object":
        depth = draw(st.integers(*DEEP))
        key = (draw(st.sampled_from(names)) if names else "a").encode()
        return b'{"' + key + b'":' * 1 + b'{"a":' * depth + b"1" + b"}" * (depth + 1), kind
    if kind == "huge":
        size = draw(st.sampled_from([100_000, 1_000_000]))
        name = draw(st.sampled_from(names)) if names else "a"
        return json.dumps({name: "x" * size, "list": list(range(size // 10))}).encode(), kind
    if kind == "surrogate":  # lone surrogates as JSON escapes: valid JSON text, not valid Unicode
        fields = []
        for name in names or ("a",):  # in every field, so whichever the server reads first has one
            escape = f"\\u{draw(st.integers(0xD800, 0xDFFF)):04x}"
            fields.append(f'"{name}": "{draw(st.text(max_size=4).map(json.dumps))[1:-1]}{escape}"')
        return ("{" + ", ".join(fields) + "}").encode(), kind
    if kind == "number":
        name = draw(st.sampled_from(names)) if names else "a"
        return b'{"' + name.encode() + b'": ' + draw(st.sampled_from(NUMBERS)) + b"}", kind
    return draw(st.sampled_from([b"{", b'{"a":', b"\xef\xbb\xbf{}", b'{"a": "\xff"}', b"[1,]", b"{'a': 1}",
                                 b"\x00", b'{"a": NaN}', b'{"a": 1e99999}', b"\xfe\xff\x00{"])), kind  # fmt: skip


CONTENT_TYPES = [b"application/x-www-form-urlencoded", b"application/json", b"text/plain", b"text/xml",
                 b"multipart/form-data", b"multipart/form-data; boundary=x",
                 b"application/x-www-form-urlencoded; charset=utf-16",
                 b"application/json; charset=latin-1", b"application/octet-stream", b"\xff/\xfe", b"", b"*/*",
                 b"application/x-www-form-urlencoded\x00"]  # fmt: skip
HEADER_NAMES = [b"Authorization", b"Cookie", b"Accept", b"Accept-Language", b"User-Agent", b"Referer",
                b"Origin", b"X-Forwarded-For", b"X-Requested-With", b"If-None-Match", b"X-Fuzz"]  # fmt: skip
AUTH_VALUES = [b"Basic", b"Basic !!!", b"Basic YTpi", b"Basic \xff\xfe", b"Bearer", b"Bearer a b", b"Bearer \x00",
               b"Token ", b"Digest x", b"bearer " + b"A" * 5000, b"Basic " + b"QUFB" * 3000, b"Basic Og==",
               b"Basic w7w6w7w=", b"Bearer eyJhbGciOiJub25lIn0.e30."]  # fmt: skip


@st.composite
def hostile_headers(draw: st.DrawFn) -> list[tuple[bytes, bytes]]:
    headers: list[tuple[bytes, bytes]] = []
    for name in draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=3, unique=True)):
        if name == b"Authorization":
            value = draw(st.sampled_from(AUTH_VALUES) | hostile_value())
        else:
            value = draw(hostile_value())
        headers.append((name, bytes(c for c in value if c not in b"\r\n")))
    if draw(st.integers(0, 7)) == 0:  # an oversized header
        headers.append((draw(st.sampled_from(HEADER_NAMES)), b"A" * draw(st.integers(*LONG_HEADER))))
    return headers


@st.composite
def cases(
    draw: st.DrawFn,
    path: bytes,
    names: tuple[str, ...],
    plausible: dict[str, list[bytes]],
    methods: tuple[bytes, ...] = (b"GET", b"POST"),
    fixed_headers: tuple[tuple[bytes, bytes], ...] = (),
    fixed_fields: tuple[tuple[bytes, bytes], ...] = (),
    reads_json: bool = False,
    required: tuple[str, ...] = (),
) -> Case:
    """A hostile request to ``path``: query parameters, a form or JSON or other body, a content
    type right, wrong or missing, and hostile headers. ``fixed_fields`` (a CSRF token, say) go
    into every form body so the fuzz reaches past them; an endpoint that ``reads_json`` gets
    JSON bodies more often."""
    method = draw(st.sampled_from(methods))
    raw = draw(st.booleans())
    query_pairs = draw(param_pairs(names, plausible, required)) if method != b"POST" or draw(st.booleans()) else []
    query, parsed = encode_pairs(query_pairs, raw)
    target = path + (b"?" + query if query else b"")
    headers = [*fixed_headers, *draw(hostile_headers())]
    body, form, oversized, notes = b"", False, False, [f"query-{'raw' if raw else 'encoded'}"]
    form_params: tuple[tuple[str, str], ...] = ()
    if method == b"POST":
        shapes = ["json", "json", "json", "form"] if reads_json else ["form", "form", "json"]
        shape = draw(st.sampled_from([*shapes, "empty", "oversized", "binary"]))
        notes.append(shape)
        content_type: bytes | None = None
        if shape == "form":
            pairs = [*fixed_fields, *draw(param_pairs(names, plausible, required))]
            form_raw = draw(st.booleans())
            body, form_params = encode_pairs(pairs, form_raw)
            content_type = b"application/x-www-form-urlencoded"
            form = True
        elif shape == "json":
            body, kind = draw(json_body(names))
            notes.append(kind)
            content_type = b"application/json"
        elif shape == "oversized":
            pairs = [*fixed_fields, (draw(st.sampled_from(names)).encode() if names else b"a", b"")]
            body = encode_pairs(pairs, False)[0] + b"A" * OVERSIZED_BODY
            content_type = draw(st.sampled_from([b"application/x-www-form-urlencoded", b"application/json"]))
            oversized = True
        elif shape == "binary":
            body = draw(st.binary(max_size=64)) + draw(st.sampled_from(INVALID_UTF8))
        if draw(st.integers(0, 3)) == 0:  # a wrong, odd or missing content type
            content_type = draw(st.sampled_from([*CONTENT_TYPES, None]))
            form = form and content_type == b"application/x-www-form-urlencoded"
            notes.append(f"content-type {content_type!r}")
        if content_type is not None:
            headers.append((b"Content-Type", content_type))
        if form:
            parsed += form_params
    return Case(Request(method, target, tuple(headers), body), parsed, form, oversized, tuple(notes))
