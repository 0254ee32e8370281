"""Finishing an OpenID sign-in (OIDC Core §3.1.3) and ending sessions named by a logout token."""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from identity.client.oidc import provider
from identity.client.oidc.flow import ID_TOKEN_KEY
from identity.client.oidc.models import OIDCLink, OIDCRemoteSession
from identity.conf import identity_settings
from identity.core import http
from identity.core.crypto import constant_time_equals
from identity.core.jose import half_hash
from identity.sessions.models import EndReason, UserSession
from identity.sessions.services import current_sid, end_session


class SignInRefused(Exception):
    """The provider's answer fails a check; the message is safe to show."""


def _basic(client_id: str, secret: str) -> str:
    # RFC 6749 §2.3.1: each part form-urlencoded before base64.
    pair = f"{urlencode({'': client_id})[1:]}:{urlencode({'': secret})[1:]}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def exchange_code(meta: provider.Metadata, code: str, started: dict[str, Any]) -> dict[str, Any]:
    """The token request (RFC 6749 §4.1.3) with the PKCE verifier; client_secret_basic when the
    client has a secret, client_id alone for a public client."""
    client_id = identity_settings.OIDC_RP_CLIENT_ID
    secret = identity_settings.OIDC_RP_CLIENT_SECRET or ""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": started["redirect_uri"],
        "code_verifier": started["verifier"],
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    if secret:
        headers["Authorization"] = _basic(client_id, secret)
    else:
        form["client_id"] = client_id
    try:
        result = http.request(
            "POST",
            meta.token_endpoint,
            body=urlencode(form).encode(),
            headers=headers,
            timeout=identity_settings.OIDC_RP_TIMEOUT,
        )
    except http.HttpError as exc:
        raise provider.ProviderError(f"The token endpoint is unreachable: {exc}") from exc
    try:
        body = json.loads(result.body)
    except ValueError as exc:
        raise provider.ProviderError("The token endpoint did not answer JSON.") from exc
    if not result.ok or not isinstance(body, dict):
        error = body.get("error") if isinstance(body, dict) else None
        raise SignInRefused(f"The provider did not accept the sign-in ({error or result.status}).")
    if str(body.get("token_type", "")).lower() != "bearer" or not body.get("access_token") or not body.get("id_token"):
        raise SignInRefused("The provider's token response is incomplete.")
    return body


def validate_id_token(id_token: str, access_token: str, nonce: str) -> dict[str, Any]:
    """OIDC Core §3.1.3.7: signature, iss, aud, azp, exp, iat, nonce, and at_hash (§3.1.3.8)."""
    client_id = identity_settings.OIDC_RP_CLIENT_ID
    try:
        header, claims = provider.verify(id_token, audience=client_id, required=["iss", "sub", "aud", "exp", "iat"])
    except provider.TokenRejected as exc:
        raise SignInRefused(f"The ID token was refused: {exc}") from exc
    aud = claims["aud"]
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != client_id:
        raise SignInRefused("The ID token was issued to another party (azp).")
    if not isinstance(claims.get("nonce"), str) or not constant_time_equals(claims["nonce"], nonce):
        raise SignInRefused("The ID token does not answer this sign-in (nonce).")
    at_hash = claims.get("at_hash")
    if at_hash is not None and not constant_time_equals(str(at_hash), half_hash(access_token, header["alg"])):
        raise SignInRefused("The ID token does not match the access token (at_hash).")
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise SignInRefused("The ID token's subject is not usable.")
    return claims


def fetch_userinfo(meta: provider.Metadata, access_token: str, sub: str) -> dict[str, Any]:
    """OIDC Core §5.3; its ``sub`` must be the ID token's (§5.3.4), or the claims are ignored."""
    if not meta.userinfo_endpoint:
        return {}
    try:
        result = http.get(
            meta.userinfo_endpoint,
            timeout=identity_settings.OIDC_RP_TIMEOUT,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
        )
        info = json.loads(result.body) if result.ok else {}
    except (http.HttpError, ValueError):
        return {}
    if not isinstance(info, dict) or info.get("sub") != sub:
        return {}
    return info


_USERNAME_CHARS = re.compile(r"[^\w.@+-]")


def _username_for(claims: dict[str, Any]) -> str:
    user_model = get_user_model()
    field = user_model._meta.get_field(user_model.USERNAME_FIELD)
    max_length = int(getattr(field, "max_length", 150) or 150)
    email = str(claims.get("email") or "")
    base = str(claims.get("preferred_username") or email.split("@")[0] or "user")
    base = _USERNAME_CHARS.sub("", base)[: max_length - 8] or "user"
    manager = user_model._default_manager
    candidate, n = base, 1
    while manager.filter(**{user_model.USERNAME_FIELD: candidate}).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _profile(claims: dict[str, Any]) -> dict[str, str]:
    values = {
        "email": claims.get("email"),
        "first_name": claims.get("given_name"),
        "last_name": claims.get("family_name"),
    }
    user_model = get_user_model()
    names = {f.name for f in user_model._meta.get_fields()}
    return {k: str(v)[:150] for k, v in values.items() if isinstance(v, str) and k in names}


def provision(issuer: str, sub: str, claims: dict[str, Any]) -> Any:
    """The local user linked to ``(issuer, sub)``; created on first sign-in if allowed. The
    profile (email, names) follows the provider's claims at each sign-in."""
    profile = _profile(claims)
    link = OIDCLink.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
    if link is not None:
        user = link.user
        changed = [k for k, v in profile.items() if getattr(user, k) != v]
        for key in changed:
            setattr(user, key, profile[key])
        if changed:
            user.save(update_fields=changed)
        OIDCLink.objects.filter(pk=link.pk).update(last_login_at=timezone.now())
        return user
    if not identity_settings.OIDC_RP_CREATE_USERS:
        raise SignInRefused("Your account is not known on this site. Ask an administrator to add it.")
    user_model = get_user_model()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                user = user_model(**{user_model.USERNAME_FIELD: _username_for(claims)}, **profile)
                user.set_unusable_password()  # this site never checks a password of theirs
                user.save()
                OIDCLink.objects.create(user=user, issuer=issuer, sub=sub, last_login_at=timezone.now())
                return user
        except IntegrityError:  # a parallel first sign-in: the link (or username) now exists
            link = OIDCLink.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
            if link is not None:
                return link.user
    raise SignInRefused("Your account could not be created. Please try again.")


def complete_sign_in(request: HttpRequest, meta: provider.Metadata, code: str, started: dict[str, Any]) -> Any:
    tokens = exchange_code(meta, code, started)
    claims = validate_id_token(tokens["id_token"], tokens["access_token"], started["nonce"])
    info = fetch_userinfo(meta, tokens["access_token"], claims["sub"])
    user = provision(meta.issuer, claims["sub"], {**info, **claims})
    if not user.is_active:
        raise SignInRefused("Your account on this site is disabled.")
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session[ID_TOKEN_KEY] = tokens["id_token"]
    row = UserSession.objects.filter(sid=current_sid(request)).first()
    if row is not None:
        OIDCRemoteSession.objects.update_or_create(
            session=row,
            defaults={"issuer": meta.issuer, "sub": claims["sub"], "remote_sid": str(claims.get("sid") or "")[:255]},
        )
    return user


def end_remote_sessions(issuer: str, *, sid: str | None, sub: str | None) -> int:
    """End every live local session the logout token names (by provider ``sid``, else every
    session of the provider's ``sub``)."""
    rows = OIDCRemoteSession.objects.filter(issuer=issuer, session__ended_at__isnull=True)
    if sid:
        rows = rows.filter(remote_sid=sid)
        if sub:
            rows = rows.filter(sub=sub)
    elif sub:
        rows = rows.filter(sub=sub)
    else:
        return 0
    sessions = [r.session for r in rows.select_related("session", "session__user")]
    return sum(end_session(row, EndReason.REMOTE_LOGOUT) for row in sessions)
