"""Claims about a user: ``sub``, and what each scope releases (OIDC Core §5.1, §5.4).

Absent values are omitted, never sent as ``null`` (OIDC Core §5.3.2).
"""

from __future__ import annotations

from typing import Any


def subject(user: Any) -> str:
    """The user's stable identifier, the same ``sub`` as every JWT this site signs (the primary
    key as a string; never the username, which can be renamed and reused)."""
    from identity.jwt.tokens import subject as jwt_subject

    return jwt_subject(user)


def _profile(user: Any) -> dict[str, Any]:
    given = (getattr(user, "first_name", "") or "").strip()
    family = (getattr(user, "last_name", "") or "").strip()
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    claims: dict[str, Any] = {
        "name": full,
        "given_name": given,
        "family_name": family,
        "preferred_username": user.get_username(),
    }
    return {k: v for k, v in claims.items() if v}


def _email(user: Any) -> dict[str, Any]:
    email = getattr(user, "email", "") or ""
    return {"email": email} if email else {}


SCOPE_CLAIMS = {"profile": _profile, "email": _email}


def userinfo(user: Any, scopes: list[str]) -> dict[str, Any]:
    """``sub`` plus the claims of each granted scope."""
    claims: dict[str, Any] = {"sub": subject(user)}
    for scope in scopes:
        builder = SCOPE_CLAIMS.get(scope)
        if builder is not None:
            claims.update(builder(user))
    return claims
