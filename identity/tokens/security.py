"""The "API tokens" section of the Security page: the user's live tokens, revocable there, and
a form that creates one (shown once, in the response that created it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from identity.conf import identity_settings
from identity.core.authenticated import AuthenticatedHttpRequest
from identity.tokens.models import APIToken


def tokens_section(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    if not identity_settings.TOKENS_ENABLED:
        return None
    return {
        "template": "identity/tokens/security_section.html",
        "tokens": list(APIToken.objects.live().filter(user=request.user).order_by("-created_at")),
        "new_token": shown_token(request),
    }


def show_token(request: HttpRequest, token: str, row: APIToken) -> None:
    """Show a token just created in the section, in this response only (its one showing)."""
    request._identity_new_token = {"token": token, "row": row}  # type: ignore[attr-defined]


def shown_token(request: HttpRequest) -> dict[str, Any] | None:
    """The token :func:`show_token` put on this request, if any."""
    found: dict[str, Any] | None = getattr(request, "_identity_new_token", None)
    return found
