"""Revocation reaching JWTs: when a session ends, its refresh families end and every access
token carrying its ``sid`` is denylisted; when a user's password changes or the user is
deactivated or deleted, all of the user's families end (their live access tokens denylisted),
including those no session issued."""

from __future__ import annotations

from typing import Any

from identity.jwt.models import FamilyRevokeReason, RefreshFamily
from identity.jwt.refresh import end_session_tokens, revoke_families
from identity.signals import credentials_changed, session_ended

_REASONS = {
    "password_changed": FamilyRevokeReason.PASSWORD_CHANGED,
    "user_deactivated": FamilyRevokeReason.USER_DEACTIVATED,
    "user_deleted": FamilyRevokeReason.USER_DELETED,
}


def on_session_ended(sender: Any, session: Any, **kwargs: Any) -> None:
    end_session_tokens(session.sid)


def on_credentials_changed(sender: Any, user: Any, reason: str, **kwargs: Any) -> None:
    revoke_families(RefreshFamily.objects.filter(user=user), _REASONS.get(reason, FamilyRevokeReason.PASSWORD_CHANGED))


def connect() -> None:
    session_ended.connect(on_session_ended, dispatch_uid="identity.jwt.session_ended")
    credentials_changed.connect(on_credentials_changed, dispatch_uid="identity.jwt.credentials_changed")
