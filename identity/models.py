"""Registers every mechanism's models under the one ``identity`` app label."""

from __future__ import annotations

from identity.cas.models import CasService, ProxyGrantingTicket, ServiceTicket
from identity.client.cas.models import CasClientLogin
from identity.client.oidc.models import OIDCLink, OIDCRemoteSession
from identity.jwt.models import DeniedToken, RefreshFamily, RefreshToken, SigningKey
from identity.oauth2.models import (
    AuthorizationCode,
    Client,
    Consent,
    DeviceAuthorization,
    Grant,
    OAuthAccessToken,
    OAuthRefreshToken,
)
from identity.outbox.models import OutboxMessage, OutboxStatus
from identity.sessions.models import EndReason, UserSession
from identity.tokens.models import APIToken

__all__ = [
    "APIToken",
    "AuthorizationCode",
    "CasClientLogin",
    "CasService",
    "Client",
    "Consent",
    "DeniedToken",
    "DeviceAuthorization",
    "EndReason",
    "Grant",
    "OAuthAccessToken",
    "OAuthRefreshToken",
    "OIDCLink",
    "OIDCRemoteSession",
    "OutboxMessage",
    "OutboxStatus",
    "ProxyGrantingTicket",
    "RefreshFamily",
    "RefreshToken",
    "ServiceTicket",
    "SigningKey",
    "UserSession",
]
