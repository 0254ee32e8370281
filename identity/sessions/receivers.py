"""Receivers that keep the session index in step with Django's sign-in, sign-out and user
changes. Connected in ``IdentityConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, is_password_usable
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_delete, pre_save
from django.http import HttpRequest

from identity.core import users
from identity.sessions import services
from identity.sessions.models import EndReason
from identity.signals import credentials_changed

_WATCHED_FIELDS = {"password", "is_active"}


def on_logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.start(request, user)


def on_logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """A plain ``logout()``: the session ends as a sign-out. Views that end it for another reason
    call :func:`identity.sessions.signout.sign_out`, which ends it first, so nothing is left here."""
    if request is not None and hasattr(request, "session"):
        services.end_current_session(request, EndReason.LOGOUT)


def remember_credentials(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kw: Any) -> None:
    """Before a user is saved, note the stored password hash and active flag to compare."""
    if raw or instance.pk is None or (update_fields is not None and not _WATCHED_FIELDS & set(update_fields)):
        instance._identity_old_credentials = None
        return
    instance._identity_old_credentials = (
        sender._default_manager.filter(pk=instance.pk).values_list("password", "is_active").first()
    )


def detect_credential_change(
    sender: Any, instance: Any, created: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    users.forget(instance.pk)
    old = getattr(instance, "_identity_old_credentials", None)
    instance._identity_old_credentials = None
    if created or not old:
        return
    old_password, was_active = old
    reason = None
    if was_active and not instance.is_active:
        reason = EndReason.USER_DEACTIVATED
    elif old_password != instance.password and not _same_credential(instance, old_password, update_fields):
        reason = EndReason.PASSWORD_CHANGED
    if reason:
        services.end_user_sessions(instance, reason)
        credentials_changed.send(sender=sender, user=instance, reason=str(reason))


def _same_credential(user: Any, old_hash: str, update_fields: Any) -> bool:
    """Whether a new stored hash holds the same credential as ``old_hash`` (then nothing that
    could authenticate changed, and nothing is revoked).

    * An unusable hash (``set_unusable_password()``) holds no password: it is a change unless the
      old one held none either.
    * ``set_password()`` keeps the raw password in ``_password`` until save() ends, so setting the
      same password again is caught by checking it against the old hash.
    * Without the raw password, only Django's re-hash at sign-in is the same password: its
      ``check_password()`` setter saves ``update_fields=["password"]``, and only for a hash that
      needs it (made by another hasher than the preferred one, or with weaker parameters: see
      ``django.contrib.auth.hashers.verify_password``), into the preferred hasher's format. Any
      other hash assigned without the raw password is a change. (One case passes for a re-hash:
      a hash of a *different* password assigned directly and saved with exactly that
      ``update_fields`` while the old hash was outdated.)
    """
    new_hash = user.password
    if not is_password_usable(new_hash):
        return not is_password_usable(old_hash)
    raw = getattr(user, "_password", None)
    if raw is not None:
        return check_password(raw, old_hash)
    return update_fields is not None and set(update_fields) == {"password"} and _is_upgrade(old_hash, new_hash)


def _is_upgrade(old_hash: str, new_hash: str) -> bool:
    """Whether ``new_hash`` is what Django's re-hash at sign-in would make of ``old_hash``'s
    password: ``old_hash`` needed updating and ``new_hash`` is the preferred hasher's, current."""
    if not is_password_usable(old_hash):
        return False
    try:
        old_hasher, new_hasher = identify_hasher(old_hash), identify_hasher(new_hash)
    except ValueError:
        return False
    preferred = get_hasher()
    if new_hasher.algorithm != preferred.algorithm or preferred.must_update(new_hash):
        return False
    return old_hasher.algorithm != preferred.algorithm or preferred.must_update(old_hash)


def on_user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    users.forget(instance.pk)
    services.end_user_sessions(instance, EndReason.USER_DELETED)
    credentials_changed.send(sender=sender, user=instance, reason=str(EndReason.USER_DELETED))


def connect() -> None:
    user_model = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="identity.sessions.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="identity.sessions.logged_out")
    pre_save.connect(remember_credentials, sender=user_model, dispatch_uid="identity.sessions.pre_save")
    post_save.connect(detect_credential_change, sender=user_model, dispatch_uid="identity.sessions.post_save")
    pre_delete.connect(on_user_deleted, sender=user_model, dispatch_uid="identity.sessions.pre_delete")
