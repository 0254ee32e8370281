"""Opaque tokens end with the session that created them, and all of a user's tokens end when
the password changes or the user is deactivated or deleted. A change to the user row drops the
cached copies, so requests see the changed user at once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save

from identity.signals import credentials_changed, session_ended
from identity.tokens import services
from identity.tokens.models import RevokeReason

_REASONS = {
    "password_changed": RevokeReason.PASSWORD_CHANGED,
    "user_deactivated": RevokeReason.USER_DEACTIVATED,
    "user_deleted": RevokeReason.USER_DELETED,
}


def on_session_ended(sender: Any, session: Any, **kwargs: Any) -> None:
    services.revoke_for_session(session.sid)


def on_credentials_changed(sender: Any, user: Any, reason: str, **kwargs: Any) -> None:
    services.revoke_for_user(user, _REASONS.get(reason, RevokeReason.PASSWORD_CHANGED))


def on_user_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    if not created and not raw:
        services.forget_user(instance)


def connect() -> None:
    session_ended.connect(on_session_ended, dispatch_uid="identity.tokens.session_ended")
    credentials_changed.connect(on_credentials_changed, dispatch_uid="identity.tokens.credentials_changed")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="identity.tokens.user_saved")
