"""Forget the ticket → session link when a local session ends (any reason)."""

from __future__ import annotations

from typing import Any

from identity.client.cas.models import CasClientLogin
from identity.signals import session_ended


def forget_sign_in(sender: Any, session: Any, **kwargs: Any) -> None:
    CasClientLogin.objects.filter(session_sid=session.sid).delete()


def connect() -> None:
    session_ended.connect(forget_sign_in, dispatch_uid="identity.client.cas.forget")
