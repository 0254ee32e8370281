"""The request-parsing layer (:mod:`identity.core.parsing`): what it refuses, without recursion,
and identity's HTML error page for the pages, before Django's CSRF check reads the form."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.checks import Error
from django.test import Client, override_settings

from identity.core import checks
from identity.core.parsing import BadInput, BodyTooLarge, check_pairs, check_text, parse_json

DEEP = b"[" * 5000 + b"]" * 5000


def test_deep_json_is_refused_without_recursion() -> None:
    with pytest.raises(BadInput, match="nested deeper than 32"):
        parse_json(DEEP)
    with pytest.raises(BadInput, match="nested deeper"):
        parse_json(b'{"a":' * 5000 + b"1" + b"}" * 5000)


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert parse_json(json.dumps({"password": "[[[[" * 100 + '\\"{'}).encode()) == {"password": "[[[[" * 100 + '\\"{'}
    expected: Any = []
    for _ in range(31):
        expected = [expected]
    assert parse_json(b"[" * 32 + b"]" * 32) == expected  # exactly the limit
    with pytest.raises(BadInput):
        parse_json(b"[" * 33 + b"]" * 33)


@pytest.mark.parametrize(
    "body",
    [
        b'{"username": "\\ud800"}',  # a lone high surrogate
        b'{"\\udfff": "x"}',  # in a key
        b'{"a": [{"b": "x\\u0000y"}]}',  # NUL, nested
        b'{"password": "\\u001b[31m"}',  # ESC
        b"\xff\xfe{}",  # not UTF-8
        b'{"a": "\xed\xa0\x80"}',  # a surrogate encoded as UTF-8 bytes: not UTF-8 either
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": 1',
    ],
)
def test_unreadable_json_is_bad_input(body: bytes) -> None:
    with pytest.raises(BadInput) as caught:
        parse_json(body)
    assert caught.value.status_code == 400


def test_tab_newline_and_unicode_are_fine() -> None:
    assert parse_json('{"a": "x\\ty\\nz é 😀"}'.encode()) == {"a": "x\ty\nz é 😀"}
    check_text("line\r\nnext\tcol", "field")


def test_json_over_the_limit_is_too_large() -> None:
    with pytest.raises(BodyTooLarge) as caught:
        parse_json(b" " * (64 * 1024 + 1))
    assert caught.value.status_code == 413


@pytest.mark.parametrize("data", [b"a=%ff", b"a=%ed%a0%80", b"%00=x", b"a=1&b=x%00y", b"a=%01"])
def test_unreadable_form_pairs(data: bytes) -> None:
    with pytest.raises(BadInput):
        check_pairs(data, "form body")


def test_readable_form_pairs() -> None:
    check_pairs(b"a=1&b=%C3%A9+%F0%9F%98%80&c=&&d", "form body")


def test_settings_are_checked() -> None:
    with override_settings(IDENTITY={"REQUEST_MAX_BYTES": 100, "REQUEST_JSON_MAX_DEPTH": 5000}):
        found = checks.check_request_limits()
    assert [issue.id for issue in found] == ["identity.E006", "identity.E006"]
    assert all(isinstance(issue, Error) for issue in found)
    assert checks.check_request_limits() == []


@override_settings(IDENTITY={"REQUEST_JSON_MAX_DEPTH": 3})
def test_depth_setting_is_read() -> None:
    assert parse_json(b"[[[]]]") == [[[]]]
    with pytest.raises(BadInput):
        parse_json(b"[[[[]]]]")


# --- identity's pages ---------------------------------------------------------------------------


def _csrf_client() -> tuple[Client, str]:
    """A browser that enforces CSRF and holds a token, as a real one does after GET /accounts/login/."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    return client, client.cookies["csrftoken"].value


def _is_error_page(response: Any, status: int) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert b'data-testid="bad-request"' in response.content
    assert b"identity.css" in response.content  # the product's page, not Django's
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_oversized_sign_in_gets_identity_page_before_csrf_reads_the_form(alice: Any) -> None:
    client, token = _csrf_client()
    body = f"csrfmiddlewaretoken={token}&username=alice&password=alice-pass&pad=" + "x" * (70 * 1024)
    response = client.post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    _is_error_page(response, 413)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_django_s_own_limit_gets_identity_page(alice: Any) -> None:
    client, token = _csrf_client()
    body = f"csrfmiddlewaretoken={token}&username=alice&password=alice-pass" + "&f=1" * 50
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10):
        response = client.post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    _is_error_page(response, 400)
    assert b"fields" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["alice\x00pass", "\x07"])
def test_control_characters_in_the_sign_in_form(alice: Any, password: str) -> None:
    client, token = _csrf_client()
    response = client.post(
        "/accounts/login/", {"csrfmiddlewaretoken": token, "username": "alice", "password": password}
    )
    _is_error_page(response, 400)


@pytest.mark.django_db
def test_invalid_utf8_in_a_page_s_query_string() -> None:
    response = Client().get("/accounts/login/?next=%ff")
    _is_error_page(response, 400)


@pytest.mark.django_db
def test_a_readable_sign_in_still_works(alice: Any) -> None:
    client, token = _csrf_client()
    response = client.post(
        "/accounts/login/", {"csrfmiddlewaretoken": token, "username": "alice", "password": "alice-pass"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/oauth/token/", "/api/auth/token/", "/accounts/login/"])
def test_a_body_in_another_charset_is_refused_before_django_decodes_it(path: str) -> None:
    """Found by the fuzzer: ``charset=utf-16`` made Django decode the form as UTF-16 (a 500)."""
    from django.test import Client

    response = Client().post(path, b"a=b&c=d", content_type="application/x-www-form-urlencoded; charset=utf-16")
    assert response.status_code == 400
