"""Remembers which sessions ended, as a mechanism revoking its own credentials would."""

from __future__ import annotations

from typing import Any

from identity.signals import session_ended

ENDED: list[str] = []


def on_session_ended(sender: Any, session: Any, **kwargs: Any) -> None:
    ENDED.append(session.sid)


def connect() -> None:
    session_ended.connect(on_session_ended, dispatch_uid="tests.badges.session_ended")
