"""Opaque bearer tokens: only a SHA-256 digest of each token is stored.

A token is ``idt_`` followed by at least 32 random bytes (base64url), so its digest is a safe
unique lookup key: no prefix scan, no comparison in the database that could leak timing, and a
stolen database dump holds no usable token. A few characters of the random part are kept in
clear (``prefix``) so people and logs can tell tokens apart.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RevokeReason(models.TextChoices):
    USER = "user", _("revoked by the user")
    API = "api", _("revoked through the API")
    ADMIN = "admin", _("revoked by an administrator")
    SESSION_ENDED = "session_ended", _("the session that created it ended")
    PASSWORD_CHANGED = "password_changed", _("password changed")
    USER_DEACTIVATED = "user_deactivated", _("user deactivated")
    USER_DELETED = "user_deleted", _("user deleted")


class APITokenQuerySet(models.QuerySet["APIToken"]):
    def live(self) -> APITokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class APIToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_tokens", verbose_name=_("user")
    )
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("What the token is for (device, script).")
    )
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last IP address"), null=True, blank=True)
    #: The browser session that created the token, if any: it ends with that session.
    session_sid = models.CharField(_("created in session"), max_length=64, blank=True, db_index=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("why it was revoked"), max_length=32, choices=RevokeReason.choices, blank=True)

    objects = APITokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="identity_token_user_live")]

    def __str__(self) -> str:
        return f"{self.name or 'token'} ({self.display})"

    @property
    def display(self) -> str:
        """What people see instead of the token: ``idt_AbCd1234…``."""
        return f"idt_{self.prefix}…"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
