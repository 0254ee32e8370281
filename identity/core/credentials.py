"""Reading credentials from API request bodies (``/api/auth/*``): strict field parsing and the
throttled password check shared by every endpoint that trades a password for a token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest

from identity.core.throttling import PasswordThrottle
from identity.exceptions import InvalidGrant, InvalidRequest


def body(data: Any) -> Mapping[str, Any]:
    """The parsed body as a mapping (a JSON array or string is a malformed request)."""
    if not isinstance(data, Mapping):
        raise InvalidRequest("The request body must be a JSON object or form data.")
    return data


def text_field(data: Mapping[str, Any], name: str, *, required: bool = True, max_length: int = 4096) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise InvalidRequest(f"The {name!r} field is required.")
        return ""
    if not isinstance(value, str) or len(value) > max_length:
        raise InvalidRequest(f"The {name!r} field must be a string of at most {max_length} characters.")
    return value


def password_sign_in(request: HttpRequest, data: Mapping[str, Any]) -> Any:
    """The active user named by ``username``/``password`` in ``data``, throttled like every
    password check; wrong credentials are ``invalid_grant`` (RFC 6749 §5.2)."""
    username = text_field(data, "username", max_length=254)
    password = text_field(data, "password", max_length=4096)
    throttle = PasswordThrottle(request, username)
    throttle.check()
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        throttle.failure()
        raise InvalidGrant("Invalid username or password.")
    throttle.success()
    return user
