"""Which local session each CAS ticket signed in, so the server's single-logout request (which
names only the ticket) ends the right session. Tickets are stored as SHA-256 digests."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CasClientLogin(models.Model):
    ticket_digest = models.CharField(max_length=64, unique=True)
    session_sid = models.CharField(_("local session"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)

    class Meta:
        verbose_name = _("CAS sign-in")
        verbose_name_plural = _("CAS sign-ins")

    def __str__(self) -> str:
        return f"CAS sign-in for session {self.session_sid[:8]}…"
