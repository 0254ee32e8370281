"""Registers every mechanism's system checks. IDs: core E0xx, sessions E1xx, basic E2xx,
tokens E3xx, jwt E4xx, cas E5xx, oauth2 E6xx, client E7xx."""

from __future__ import annotations

from django.core.checks import Tags, register

from identity.basic import checks as basic_checks
from identity.cas import checks as cas_checks
from identity.client import checks as client_checks
from identity.client.cas import checks as cas_client_checks
from identity.client.oidc import checks as oidc_client_checks
from identity.core import checks as core_checks
from identity.jwt import checks as jwt_checks
from identity.oauth2 import checks as oauth2_checks
from identity.sessions import checks as session_checks
from identity.tokens import checks as token_checks

CHECKS = [
    (core_checks.check_settings, ()),
    (core_checks.check_middleware, ()),
    (core_checks.check_throttle_fallback, ()),
    (session_checks.check_session_engine, ()),
    (session_checks.check_cookies, (Tags.security,)),
    (basic_checks.check_throttle_cache, ()),
    (basic_checks.check_realm, ()),
    (cas_checks.check_cas_settings, ()),
    (client_checks.check_client_flow, ()),
    (cas_client_checks.check_cas_client, ()),
    (token_checks.check_tokens, ()),
    (jwt_checks.check_jwt, ()),
    (jwt_checks.check_denylist, ()),
    (jwt_checks.check_remote, (Tags.security,)),
    (oauth2_checks.check_provider, ()),
    (oauth2_checks.check_opaque_authenticator, ()),
    (oidc_client_checks.check_oidc_client, (Tags.urls,)),
]


def register_all() -> None:
    for func, tags in CHECKS:
        register(func, "identity", *tags)
