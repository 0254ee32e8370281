"""The outbox: deliveries to other servers, written in the transaction that caused them.

A sign-out writes its single-logout and back-channel-logout messages here in its own
transaction, so they exist exactly when the sign-out committed. Each is tried once right after
commit (with a short timeout, off the request thread) and then by the worker
(``manage.py identity_worker``) with exponential backoff until it succeeds or runs out of
attempts.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    ABANDONED = "abandoned", _("abandoned")


class OutboxMessage(models.Model):
    kind = models.CharField(_("kind"), max_length=64, help_text=_("e.g. cas.slo, oidc.backchannel_logout"))
    url = models.URLField(_("URL"), max_length=2000)
    body = models.TextField(_("body"), blank=True)
    content_type = models.CharField(max_length=100, default="application/x-www-form-urlencoded")
    status = models.CharField(max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    session_sid = models.CharField(_("session"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="identity_outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.url} ({self.status})"
