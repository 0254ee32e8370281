"""The session index: one row per signed-in browser session, whatever the session store.

Django's session stores cannot list a user's sessions, and a session key is a credential that
changes at every sign-in, so identity keeps its own index. Each row has a random public ``sid``
(what other mechanisms, ID tokens and JWTs refer to), the session key sealed with a key derived
from SECRET_KEY (needed only to delete the session from its store when it is ended elsewhere),
and what a user needs to recognise the session: device, IP, created, last seen.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from identity.core.crypto import random_id


class EndReason(models.TextChoices):
    LOGOUT = "logout", _("signed out")
    ENDED_BY_USER = "ended_by_user", _("ended from another session")
    EVERYWHERE = "everywhere", _("signed out everywhere")
    ADMIN = "admin", _("ended by an administrator")
    PASSWORD_CHANGED = "password_changed", _("password changed")
    USER_DEACTIVATED = "user_deactivated", _("user deactivated")
    USER_DELETED = "user_deleted", _("user deleted")
    EXPIRED = "expired", _("expired")
    REPLACED = "replaced", _("another user signed in on the same browser")
    REMOTE_LOGOUT = "remote_logout", _("signed out at another site")
    INVALIDATED = "invalidated", _("no longer matched the user's credentials")


def new_sid() -> str:
    return random_id(16)


class UserSessionQuerySet(models.QuerySet["UserSession"]):
    def live(self) -> UserSessionQuerySet:
        return self.filter(ended_at__isnull=True)


class UserSession(models.Model):
    sid = models.CharField(_("session id"), max_length=64, unique=True, default=new_sid, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_sessions", verbose_name=_("user")
    )
    sealed_session_key = models.TextField(editable=False)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    auth_time = models.DateTimeField(
        _("password sign-in"), null=True, blank=True, help_text=_("When the user last typed their password.")
    )
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    expires_at = models.DateTimeField(_("check expiry after"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=32, choices=EndReason.choices, blank=True)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen"]
        indexes = [
            models.Index(fields=["user", "ended_at"], name="identity_session_user_live"),
            models.Index(fields=["ended_at", "expires_at"], name="identity_session_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.device} ({self.sid[:8]}…)"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None

    @property
    def device(self) -> str:
        from identity.sessions.devices import describe

        return describe(self.user_agent)
