"""What a relying party remembers about people who sign in through an OpenID provider.

Users are linked by ``(issuer, sub)`` only (OIDC Core §5.7: ``sub`` is the one stable,
never-reassigned identifier); never by email or username, which would let whoever controls a
matching address at the provider take over a local account. Each local session records the
provider's ``sid`` so a back-channel logout token ends exactly the sessions it names.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from identity.sessions.models import UserSession


class OIDCLink(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_oidc_links")
    issuer = models.CharField(_("issuer"), max_length=255)
    sub = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("OpenID Connect link")
        verbose_name_plural = _("OpenID Connect links")
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="identity_oidc_link_unique")]

    def __str__(self) -> str:
        return f"{self.user} = {self.sub} at {self.issuer}"


class OIDCRemoteSession(models.Model):
    """A local session started by an OpenID sign-in, with the provider's session id."""

    session = models.OneToOneField(UserSession, on_delete=models.CASCADE, related_name="oidc_remote")
    issuer = models.CharField(max_length=255)
    sub = models.CharField(max_length=255)
    remote_sid = models.CharField(_("provider session id"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("OpenID Connect session")
        verbose_name_plural = _("OpenID Connect sessions")
        indexes = [
            models.Index(fields=["issuer", "remote_sid"], name="identity_oidc_remote_sid"),
            models.Index(fields=["issuer", "sub"], name="identity_oidc_remote_sub"),
        ]

    def __str__(self) -> str:
        return f"{self.sub} at {self.issuer} (session {self.remote_sid[:8] or '?'})"
