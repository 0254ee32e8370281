"""Consent: remembered per user and client, covering the scopes the user agreed to; asked
again when a client wants more. Withdrawing it revokes everything the client holds."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from identity.oauth2.models import Client, Consent, Grant
from identity.oauth2.revocation import Reason, revoke_grants


def needs_consent(user: Any, client: Client, scopes: list[str], *, force: bool = False) -> bool:
    """``force`` (prompt=consent) asks even a trusted client's user (OIDC Core §3.1.2.1)."""
    if force:
        return True
    if client.trusted:
        return False
    consent = Consent.objects.filter(user=user, client=client).first()
    return consent is None or not consent.covers(scopes)


def remember_consent(user: Any, client: Client, scopes: list[str]) -> Consent:
    with transaction.atomic():
        consent, created = Consent.objects.select_for_update().get_or_create(
            user=user, client=client, defaults={"scope": " ".join(sorted(set(scopes)))}
        )
        if not created and not consent.covers(scopes):
            consent.scope = " ".join(sorted(set(consent.scope.split()) | set(scopes)))
            consent.save(update_fields=["scope", "updated_at"])
    return consent


def withdraw(user: Any, client: Client) -> int:
    """Forget the consent and revoke every grant of ``client`` for ``user``."""
    with transaction.atomic():
        Consent.objects.filter(user=user, client=client).delete()
        return revoke_grants(Grant.objects.filter(user=user, client=client), Reason.CONSENT_WITHDRAWN)


def revoke_consented(consents: QuerySet[Consent]) -> int:
    """Revoke the grants ``consents`` allowed (same user, same client), as :func:`withdraw`
    does: for a caller about to delete those consents, which would otherwise leave them live."""
    allowed = consents.filter(user=OuterRef("user"), client=OuterRef("client"))
    return revoke_grants(Grant.objects.filter(Exists(allowed)), Reason.CONSENT_WITHDRAWN)
