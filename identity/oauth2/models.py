"""The authorization server's state: clients, codes, grants (token families), tokens, consents
and device authorizations.

Secrets and tokens are stored only as digests: client secrets as a keyed hash
(:mod:`identity.oauth2.secrets`), codes, refresh tokens and opaque access tokens as SHA-256
(the unique lookup key, so no timing-sensitive comparison happens in the database). A JWT
access token is recorded by its ``jti`` so it can be revoked through the denylist.

A :class:`Grant` is one authorization of one client: everything issued from one code, one
device approval or one client-credentials request hangs from it, and revoking it revokes the
whole refresh family in one UPDATE (RFC 9700 §4.14.2).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from identity.conf import identity_settings
from identity.core.crypto import random_id
from identity.core.reach import FIRST_PARTY_CLIENT_ID
from identity.oauth2 import secrets, uris


class ClientType(models.TextChoices):
    CONFIDENTIAL = "confidential", _("confidential (a server that keeps a secret)")
    PUBLIC = "public", _("public (an app on the user's device, no secret)")


class GrantType(models.TextChoices):
    AUTHORIZATION_CODE = "authorization_code", _("authorization code (with PKCE)")
    REFRESH_TOKEN = "refresh_token", _("refresh token")
    CLIENT_CREDENTIALS = "client_credentials", _("client credentials")
    DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code", _("device authorization (RFC 8628)")


class TokenFormat(models.TextChoices):
    DEFAULT = "", _("site default")
    JWT = "jwt", _("JWT (RFC 9068, verified offline)")
    OPAQUE = "opaque", _("opaque (looked up on each use)")


# First-party JWTs (identity.jwt) carry ``client_id: identity`` and the core's reach model treats
# that value as "first party", so no OAuth client may take it, in any letter case.
RESERVED_CLIENT_ID = (
    f'The client ID "{FIRST_PARTY_CLIENT_ID}" is reserved: first-party tokens carry it, '
    "so an OAuth client that took it would pass for the site itself."
)


def is_reserved_client_id(client_id: str) -> bool:
    return client_id.strip().casefold() == FIRST_PARTY_CLIENT_ID


def new_client_id() -> str:
    return random_id(18)


class Client(models.Model):
    name = models.CharField(_("name"), max_length=200, help_text=_("Shown to users on the consent page."))
    client_id = models.CharField(_("client ID"), max_length=100, unique=True, default=new_client_id)
    client_type = models.CharField(
        _("client type"), max_length=16, choices=ClientType.choices, default=ClientType.CONFIDENTIAL
    )
    secret_digest = models.CharField(_("secret (keyed hash)"), max_length=64, blank=True, editable=False)
    secret_created_at = models.DateTimeField(_("secret created"), null=True, blank=True, editable=False)
    grant_types = models.JSONField(_("grant types"), default=list, blank=True)
    redirect_uris = models.TextField(
        _("redirect URIs"), blank=True, help_text=_("One per line, matched exactly (no wildcards).")
    )
    post_logout_redirect_uris = models.TextField(
        _("post-logout redirect URIs"), blank=True, help_text=_("One per line, matched exactly.")
    )
    backchannel_logout_uri = models.URLField(
        _("back-channel logout URI"),
        max_length=2000,
        blank=True,
        help_text=_("Receives a logout token when a user's session that holds tokens of this client ends."),
    )
    scopes = models.CharField(_("allowed scopes"), max_length=1000, default="openid", help_text=_("Space-separated."))
    trusted = models.BooleanField(
        _("trusted"), default=False, help_text=_("First-party client: users are not asked for consent.")
    )
    require_pkce = models.BooleanField(
        _("require PKCE"),
        default=True,
        help_text=_("Public clients always need PKCE (S256); a confidential client may be exempted."),
    )
    access_token_format = models.CharField(
        _("access token format"), max_length=8, choices=TokenFormat.choices, default=TokenFormat.DEFAULT, blank=True
    )
    audience = models.CharField(
        _("access token audience"),
        max_length=200,
        blank=True,
        help_text=_("The API these tokens are for (aud). Empty: the site's API audience."),
    )
    access_token_lifetime = models.PositiveIntegerField(_("access token lifetime (s)"), null=True, blank=True)
    id_token_lifetime = models.PositiveIntegerField(_("ID token lifetime (s)"), null=True, blank=True)
    refresh_token_lifetime = models.PositiveIntegerField(_("refresh token family lifetime (s)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("OAuth client")
        verbose_name_plural = _("OAuth clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    def clean(self) -> None:
        """Refuse the reserved first-party client_id wherever a form or ``full_clean()`` runs."""
        if is_reserved_client_id(self.client_id or ""):
            raise ValidationError({"client_id": RESERVED_CLIENT_ID})

    # --- secrets ---------------------------------------------------------------------------
    @property
    def is_confidential(self) -> bool:
        return self.client_type == ClientType.CONFIDENTIAL

    def set_secret(self, secret: str | None = None) -> str:
        """Store a new secret's hash and return the secret (shown once, never stored)."""
        secret = secret or secrets.generate()
        self.secret_digest = secrets.digest(secret)
        self.secret_created_at = timezone.now()
        return secret

    def check_secret(self, secret: str) -> bool:
        ok, rehash = secrets.verify(secret, self.secret_digest)
        if ok and rehash:  # matched an old SECRET_KEY: store under the current one
            self.secret_digest = secrets.digest(secret)
            Client.objects.filter(pk=self.pk).update(secret_digest=self.secret_digest)
        return ok

    # --- registration values ---------------------------------------------------------------
    @property
    def redirect_uri_list(self) -> list[str]:
        return uris.split_lines(self.redirect_uris)

    @property
    def post_logout_redirect_uri_list(self) -> list[str]:
        return uris.split_lines(self.post_logout_redirect_uris)

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def allows_grant(self, grant_type: str) -> bool:
        return grant_type in (self.grant_types or [])

    def redirect_uri_allowed(self, uri: str) -> bool:
        return uris.matches(uri, self.redirect_uri_list, allow_loopback_port=not self.is_confidential)

    @property
    def pkce_required(self) -> bool:
        """Public clients always; confidential ones when the site or the client requires it."""
        return not self.is_confidential or identity_settings.OAUTH2_PKCE_REQUIRED or self.require_pkce

    @property
    def token_format(self) -> str:
        return self.access_token_format or identity_settings.OAUTH2_ACCESS_TOKEN_FORMAT

    @property
    def access_lifetime(self) -> int:
        return self.access_token_lifetime or identity_settings.OAUTH2_ACCESS_TOKEN_LIFETIME

    @property
    def id_lifetime(self) -> int:
        return self.id_token_lifetime or identity_settings.OAUTH2_ID_TOKEN_LIFETIME

    @property
    def refresh_lifetime(self) -> int:
        return self.refresh_token_lifetime or identity_settings.OAUTH2_REFRESH_TOKEN_LIFETIME


def _code_expiry() -> object:
    return timezone.now() + timedelta(seconds=identity_settings.OAUTH2_CODE_LIFETIME)


class AuthorizationCode(models.Model):
    """A code, single use and short-lived, bound to everything the token request must repeat."""

    digest = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="codes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_sid = models.CharField(max_length=64, blank=True)
    redirect_uri = models.TextField()
    scope = models.CharField(max_length=1000, blank=True)
    nonce = models.CharField(max_length=500, blank=True)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    auth_time = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_code_expiry, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("authorization code")
        verbose_name_plural = _("authorization codes")

    def __str__(self) -> str:
        return f"code for {self.client_id} ({'used' if self.used_at else 'unused'})"


class Grant(models.Model):
    """One authorization of one client; the family every token issued from it belongs to."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="identity_oauth_grants"
    )
    grant_type = models.CharField(max_length=64, choices=GrantType.choices)
    session_sid = models.CharField(_("session"), max_length=64, blank=True, db_index=True)
    scope = models.CharField(max_length=1000, blank=True)
    auth_time = models.DateTimeField(null=True, blank=True)
    code = models.OneToOneField(
        AuthorizationCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="grant"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("family ends"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("why revoked"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants (token families)")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "client"], name="identity_oauth_grant_user")]

    def __str__(self) -> str:
        who = self.user or self.client.client_id
        return f"{self.client.name} for {who} ({self.get_grant_type_display()})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class OAuthAccessToken(models.Model):
    """An issued access token: a JWT by its ``jti``, an opaque one by the SHA-256 of its value."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="access_tokens")
    key = models.CharField(max_length=64, unique=True, help_text=_("jti of a JWT, SHA-256 of an opaque token"))
    format = models.CharField(max_length=8, choices=TokenFormat.choices[1:])
    scope = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("OAuth access token")
        verbose_name_plural = _("OAuth access tokens")

    def __str__(self) -> str:
        return f"{self.format} access token {self.key[:8]}…"


class OAuthRefreshToken(models.Model):
    """A refresh token (opaque). Spent once used; a spent one presented again revokes its grant."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="refresh_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("OAuth refresh token")
        verbose_name_plural = _("OAuth refresh tokens")

    def __str__(self) -> str:
        return f"refresh token {self.digest[:8]}…"


class Consent(models.Model):
    """What a user agreed to share with an untrusted client; asked again for new scopes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_consents")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["user", "client"], name="identity_consent_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.client}: {self.scope}"

    def covers(self, scopes: list[str]) -> bool:
        return set(scopes) <= set(self.scope.split())


class DeviceStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the user")
    APPROVED = "approved", _("approved")
    DENIED = "denied", _("denied")
    USED = "used", _("tokens issued")


class DeviceAuthorization(models.Model):
    """RFC 8628: a device code polled by the device, a user code typed by the user on the identity provider."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="device_authorizations")
    device_code_digest = models.CharField(max_length=64, unique=True)
    user_code = models.CharField(max_length=16, unique=True)
    scope = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=16, choices=DeviceStatus.choices, default=DeviceStatus.PENDING)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    session_sid = models.CharField(max_length=64, blank=True)
    auth_time = models.DateTimeField(null=True, blank=True)
    interval = models.PositiveIntegerField(default=5)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("device authorization")
        verbose_name_plural = _("device authorizations")

    def __str__(self) -> str:
        return f"{self.client} device code {self.user_code[:4]}-{self.user_code[4:]} ({self.status})"
