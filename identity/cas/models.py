"""The CAS server's state: the service registry and the tickets.

Service and proxy tickets are kept in clear: they live seconds before their one validation,
and single logout must echo each validated ticket back to its service as the SAML
``SessionIndex`` (CAS Appendix C), so the rows of validated tickets stay until their single
sign-on session ends. Proxy-granting tickets live as long as the session, so only their SHA-256
digest is stored. Every ticket remembers the ``sid`` of the session index row it came from.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MatchType(models.TextChoices):
    EXACT = "exact", _("exact URL")
    PREFIX = "prefix", _("URL prefix (same scheme, host and port)")
    REGEX = "regex", _("regular expression (must match the whole URL)")


class CasService(models.Model):
    """A registered CAS service. The registry is closed: an unmatched service gets nothing."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    match_type = models.CharField(_("match"), max_length=10, choices=MatchType.choices, default=MatchType.PREFIX)
    pattern = models.CharField(
        _("service URL or pattern"),
        max_length=2000,
        help_text=_(
            "Exact: the whole service URL. Prefix: e.g. https://app.example.com/ (scheme, host and port "
            "must be equal, the path must start with this one). Regular expression: matched against the "
            "whole service URL."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    released_attributes = models.CharField(
        _("released attributes"),
        max_length=500,
        blank=True,
        help_text=_("User fields sent on p3 and SAML validation, separated by spaces: e.g. email first_name groups"),
    )
    proxy_allowed = models.BooleanField(
        _("may proxy"),
        default=False,
        help_text=_("May obtain proxy-granting tickets; pgtUrl must be https and match this service."),
    )
    slo_enabled = models.BooleanField(_("single logout"), default=True)
    slo_url = models.URLField(
        _("single logout URL"),
        max_length=2000,
        blank=True,
        help_text=_("Where the logout POST goes; empty: the service URL the ticket was issued for."),
    )
    description = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("CAS service")
        verbose_name_plural = _("CAS services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from identity.cas.attributes import invalid_names
        from identity.cas.registry import RegistryError, compile_service

        try:
            entry = compile_service(self)
        except RegistryError as exc:
            raise ValidationError({"pattern": str(exc)}) from None
        bad = invalid_names(self.released_attributes)
        if bad:
            raise ValidationError(
                {
                    "released_attributes": _("Not a user field that can be released: %(names)s")
                    % {"names": ", ".join(bad)}
                }
            )
        if self.slo_url and not entry.matches(self.slo_url):
            raise ValidationError({"slo_url": _("The single logout URL must itself match this service.")})


class TicketKind(models.TextChoices):
    SERVICE = "ST", _("service ticket")
    PROXY = "PT", _("proxy ticket")


class ServiceTicket(models.Model):
    """A service (``ST-``) or proxy (``PT-``) ticket: one validation attempt, then spent."""

    ticket = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=2, choices=TicketKind.choices)
    #: exactly as given to /login (or /proxy as targetService); compared exactly at validation
    service = models.TextField(_("service"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_sid = models.CharField(_("session"), max_length=64, db_index=True)
    #: issued right after the user typed their password (``isFromNewLogin``; passes ``renew``)
    primary = models.BooleanField(_("from a new sign-in"), default=False)
    auth_time = models.DateTimeField(_("password sign-in"))
    #: proxy tickets: the proxies' callback URLs, most recent first (CAS §2.6.2)
    proxies = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    consumed_at = models.DateTimeField(_("validation attempt"), null=True, blank=True)
    succeeded = models.BooleanField(_("validated"), default=False)

    class Meta:
        verbose_name = _("CAS ticket")
        verbose_name_plural = _("CAS tickets")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["succeeded", "expires_at"], name="identity_cas_ticket_expiry")]

    def __str__(self) -> str:
        return f"{self.ticket[:7]}… for {self.service[:80]}"


class ProxyGrantingTicket(models.Model):
    """A ``PGT-``: used many times by one proxying service, ended with its SSO session."""

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_sid = models.CharField(_("session"), max_length=64, db_index=True)
    service = models.TextField(_("granted to service"))
    callback_url = models.TextField(_("proxy callback URL"))
    #: callback URLs of the proxies before this one, most recent first
    proxies = models.JSONField(default=list, blank=True)
    auth_time = models.DateTimeField(_("password sign-in"))
    created_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("CAS proxy-granting ticket")
        verbose_name_plural = _("CAS proxy-granting tickets")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"PGT for {self.callback_url[:80]}"
