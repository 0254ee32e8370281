"""The provider's reactions to the foundation's signals (connected by ``IdentityConfig.ready()``).

When a session ends, for whatever reason, everything the provider issued from it ends too: its
grants are revoked (refresh tokens, opaque and JWT access tokens), unexchanged codes and
approved device codes expire, and every client that held tokens of the session and registered a
back-channel logout URI gets a logout token through the outbox (OIDC Back-Channel Logout §2.5:
short timeout, retried, never blocking the sign-out).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.utils import timezone

from identity.oauth2.claims import subject
from identity.oauth2.issuing import logout_token
from identity.oauth2.models import AuthorizationCode, DeviceAuthorization, DeviceStatus, Grant
from identity.oauth2.revocation import Reason, revoke_grants
from identity.outbox.services import enqueue
from identity.signals import credentials_changed, session_ended

BACKCHANNEL_KIND = "oidc.backchannel_logout"


def on_session_ended(sender: Any, session: Any, user: Any, reason: str, **kwargs: Any) -> None:
    now = timezone.now()
    AuthorizationCode.objects.filter(session_sid=session.sid, used_at__isnull=True).update(expires_at=now)
    DeviceAuthorization.objects.filter(session_sid=session.sid, status=DeviceStatus.APPROVED).update(
        status=DeviceStatus.DENIED
    )
    live = Grant.objects.filter(session_sid=session.sid, revoked_at__isnull=True).select_related("client")
    clients = {grant.client_id: grant.client for grant in live if grant.is_live}
    if not clients:
        return
    revoke_grants(live, Reason.SESSION_ENDED)
    for client in clients.values():
        if client.backchannel_logout_uri and client.is_active:
            body = urlencode({"logout_token": logout_token(client, sub=subject(user), sid=session.sid)})
            enqueue(BACKCHANNEL_KIND, client.backchannel_logout_uri, body, session_sid=session.sid)


def on_credentials_changed(sender: Any, user: Any, reason: str, **kwargs: Any) -> None:
    """Grants no session issued end too (their sessions have already ended by now)."""
    revoke_grants(Grant.objects.filter(user=user), Reason.CREDENTIALS_CHANGED)


def connect() -> None:
    session_ended.connect(on_session_ended, dispatch_uid="identity.oauth2.session_ended")
    credentials_changed.connect(on_credentials_changed, dispatch_uid="identity.oauth2.credentials_changed")
