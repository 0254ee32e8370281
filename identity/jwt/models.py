"""Signing keys, refresh-token families and the denylist.

* :class:`SigningKey`: one row per key. The public half is the JWK published in
  ``/.well-known/jwks.json``; the private half is sealed (authenticated encryption) with a
  key-encryption key from settings and destroyed when the key retires. A key is *published*
  from creation, *signs* from ``signs_from`` (creation + the JWK Set's cache lifetime, so every
  verifier already has it) until a successor takes over (``signs_until``), and *retires* once
  the last token it signed (``last_expiry``) has expired.
* :class:`RefreshFamily` / :class:`RefreshToken`: each refresh spends its token and issues the
  next one in the same family; presenting a spent token revokes the family (RFC 9700 §4.14.2).
* :class:`DeniedToken`: the record of revoked access tokens (by ``jti``) and ended sessions
  (by ``sid``); Redis holds the fast copy and each worker an in-process replica.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from identity.core.crypto import random_id


class Algorithm(models.TextChoices):
    RS256 = "RS256", "RS256 (RSA 2048, PKCS#1 v1.5)"
    ES256 = "ES256", "ES256 (ECDSA P-256)"
    EDDSA = "EdDSA", "EdDSA (Ed25519)"
    HS256 = "HS256", "HS256 (shared secret, never published)"


def new_kid() -> str:
    return random_id(12)


class SigningKeyQuerySet(models.QuerySet["SigningKey"]):
    def unretired(self) -> SigningKeyQuerySet:
        return self.filter(retired_at__isnull=True)


class SigningKey(models.Model):
    kid = models.CharField(_("key id"), max_length=64, unique=True, default=new_kid, editable=False)
    alg = models.CharField(_("algorithm"), max_length=16, choices=Algorithm.choices)
    public_jwk = models.JSONField(_("public JWK"), default=dict, editable=False)
    sealed_private_key = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("published"), default=timezone.now)
    signs_from = models.DateTimeField(_("signs from"), default=timezone.now)
    signs_until = models.DateTimeField(_("signs until"), null=True, blank=True)
    last_expiry = models.DateTimeField(
        _("last token expires"), null=True, blank=True, help_text=_("The latest exp of a token this key signed.")
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = SigningKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-signs_from"]

    def __str__(self) -> str:
        return f"{self.alg} {self.kid}"

    def state(self, now: object = None) -> str:
        now = now or timezone.now()
        if self.retired_at is not None:
            return "retired"
        if self.signs_from > now:  # type: ignore[operator]
            return "next"
        if self.signs_until is not None and self.signs_until <= now:  # type: ignore[operator]
            return "retiring"
        return "active"


class FamilyRevokeReason(models.TextChoices):
    REVOKED = "revoked", _("revoked by the client")
    USER = "user", _("revoked by the user")
    ADMIN = "admin", _("revoked by an administrator")
    REUSE = "reuse", _("a spent refresh token was presented again")
    SESSION_ENDED = "session_ended", _("the session that issued it ended")
    PASSWORD_CHANGED = "password_changed", _("password changed")
    USER_DEACTIVATED = "user_deactivated", _("user deactivated")
    USER_DELETED = "user_deleted", _("user deleted")


class RefreshFamily(models.Model):
    """One sign-in of an app: the chain of refresh tokens rotated from one grant."""

    family_id = models.CharField(max_length=64, unique=True, default=new_kid, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_jwt_families", verbose_name=_("user")
    )
    #: The browser session that issued the family, if any: the family ends with it.
    sid = models.CharField(_("session id"), max_length=64, blank=True, db_index=True)
    client_id = models.CharField(_("client"), max_length=200, default="identity")
    audience = models.CharField(_("audience"), max_length=500)
    scope = models.CharField(_("scope"), max_length=1000, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    last_refreshed_at = models.DateTimeField(_("last refreshed"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(
        _("why it was revoked"), max_length=32, choices=FamilyRevokeReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("JWT sign-in (refresh family)")
        verbose_name_plural = _("JWT sign-ins (refresh families)")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="identity_family_user_live")]

    def __str__(self) -> str:
        return f"{self.user} via {self.client_id} ({self.family_id[:8]}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def device(self) -> str:
        from identity.sessions.devices import describe

        return describe(self.user_agent)


class RefreshToken(models.Model):
    """One refresh token of a family (stored as its SHA-256 digest) and the access token
    issued beside it, whose ``jti`` is denylisted if the family is revoked while it lives."""

    family = models.ForeignKey(RefreshFamily, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    access_jti = models.CharField(max_length=64, db_index=True)
    access_expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("refresh token")
        verbose_name_plural = _("refresh tokens")
        indexes = [models.Index(fields=["family", "access_expires_at"], name="identity_refresh_family_live")]

    def __str__(self) -> str:
        return f"refresh token of {self.family_id} ({'spent' if self.used_at else 'unspent'})"


class DeniedKind(models.TextChoices):
    JTI = "jti", _("access token (jti)")
    SID = "sid", _("session (sid)")


class DeniedToken(models.Model):
    """A revoked access token (``jti``) or ended session (``sid``), until its tokens expire."""

    kind = models.CharField(max_length=8, choices=DeniedKind.choices)
    value = models.CharField(max_length=200)
    expires_at = models.DateTimeField(_("denied until"))
    created_at = models.DateTimeField(_("denied at"), default=timezone.now, db_index=True)
    reason = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("denied token")
        verbose_name_plural = _("denylist")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="identity_denied_unique")]
        indexes = [models.Index(fields=["expires_at"], name="identity_denied_expiry")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"
