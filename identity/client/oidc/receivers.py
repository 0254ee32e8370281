"""Keeps the ID token of a session that is signing out, for ``OIDCSignInFlow.end()``: Django
flushes the session right after ``user_logged_out``, and the provider's end_session endpoint
wants the ID token as ``id_token_hint`` to sign the user out without asking."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.http import HttpRequest

from identity.client.oidc.flow import ID_TOKEN_KEY, keep_id_token


def remember_id_token(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if request is not None and session is not None:
        keep_id_token(request, session.get(ID_TOKEN_KEY))


def connect() -> None:
    user_logged_out.connect(remember_id_token, dispatch_uid="identity.client.oidc.remember_id_token")
