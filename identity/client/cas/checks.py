"""System checks of the CAS client side (identity.E71x / W71x)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import Error, Warning
from django.core.exceptions import FieldDoesNotExist

from identity.client.cas.users import PROTECTED_FIELDS
from identity.conf import identity_settings


def _uses_cas() -> bool:
    return identity_settings.CLIENT_PROTOCOL == "cas" or bool(identity_settings.CLIENT_CAS_SERVER_URL)


def check_cas_client(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if not _uses_cas():
        return []
    issues: list[Any] = []
    url = identity_settings.CLIENT_CAS_SERVER_URL
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.netloc or not url.endswith("/"):
        issues.append(
            Error(
                f"IDENTITY['CLIENT_CAS_SERVER_URL'] is {url!r}; signing in through CAS needs the server's base URL.",
                hint='An absolute URL ending in "/", e.g. "https://sso.example.com/cas/".',
                id="identity.E711",
            )
        )
    elif parts.scheme == "http" and not settings.DEBUG:
        issues.append(
            Warning(
                "IDENTITY['CLIENT_CAS_SERVER_URL'] uses plain http: tickets and validations travel unencrypted.",
                hint="Use the server's https URL.",
                id="identity.W711",
            )
        )
    # A mapping that is not a dict of strings is identity.E004's to report (it was E712).
    user_model = get_user_model()
    for attribute, field_name in identity_settings.CLIENT_CAS_ATTRIBUTES.items():
        try:
            field = user_model._meta.get_field(field_name)
        except FieldDoesNotExist:
            field = None
        if (
            field is None
            or field.is_relation
            or field_name in PROTECTED_FIELDS
            or field_name == user_model.USERNAME_FIELD
        ):
            issues.append(
                Error(
                    f"IDENTITY['CLIENT_CAS_ATTRIBUTES'] maps {attribute!r} to {field_name!r}, "
                    "which a CAS server may not set.",
                    hint="Map attributes to plain profile fields of the user model (not the username, password, "
                    "privileges or dates).",
                    id="identity.E713",
                )
            )
    return issues
