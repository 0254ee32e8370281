"""This site's issuer identifier, the one place it is read from settings."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from identity.conf import identity_settings


def issuer() -> str:
    """``IDENTITY['ISSUER']`` without a trailing slash (RFC 8414 §2, OIDC Discovery §4): the
    ``iss`` of every JWT this site signs and the one it demands back.

    Unset, it raises :class:`~django.core.exceptions.ImproperlyConfigured` rather than answering
    a placeholder: a token or metadata document naming the issuer ``"None"`` would be signed and
    served, and refused by every verifier. The system checks (identity.E401 for JWTs, E605 for
    the OAuth provider) report the same at start-up.
    """
    value = identity_settings.ISSUER
    if not value or not isinstance(value, str):
        raise ImproperlyConfigured(
            f"IDENTITY['ISSUER'] is {value!r}; set it to this site's base URL (see identity.E401 / E605)."
        )
    return value.rstrip("/")
