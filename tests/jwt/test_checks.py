"""System checks of JWTs, the denylist and remote verification (identity.E4xx / W4xx)."""

from __future__ import annotations

from django.conf import settings

from tests.test_checks import REDIS_CACHE, ids

REMOTE = {
    "JWT_ENABLED": False,
    "REMOTE_JWT_ISSUER": "https://id.example.com",
    "REMOTE_JWT_AUDIENCE": "demo-api",
}


def with_identity(**values: object) -> dict[str, object]:
    return {"IDENTITY": {**settings.IDENTITY, **values}}


def test_issuer_is_required_and_must_be_a_base_url() -> None:
    assert "identity.E401" in ids(IDENTITY={})
    for bad in ("http://testserver/", "testserver", "ftp://x.example", "https://x.example/?a=1"):
        assert "identity.E401" in ids(**with_identity(ISSUER=bad))
    assert "identity.E401" not in ids(**with_identity(ISSUER="https://id.example.com/tenant"))
    assert "identity.E401" not in ids(IDENTITY={"JWT_ENABLED": False})


def test_algorithm_must_be_supported_and_hs256_warns() -> None:
    assert "identity.E402" in ids(**with_identity(JWT_ALGORITHM="none"))
    assert "identity.E402" in ids(**with_identity(JWT_ALGORITHM="PS256"))
    assert "identity.W403" in ids(**with_identity(JWT_ALGORITHM="HS256"))
    for alg in ("RS256", "ES256", "EdDSA"):
        assert not {"identity.E402", "identity.W403"} & ids(**with_identity(JWT_ALGORITHM=alg))


def test_access_lifetime_is_bounded() -> None:
    assert "identity.E404" in ids(**with_identity(JWT_ACCESS_LIFETIME=3601))
    assert "identity.E404" in ids(**with_identity(JWT_ACCESS_LIFETIME=0))
    assert "identity.E404" not in ids(**with_identity(JWT_ACCESS_LIFETIME=3600))


def test_leeway_is_at_most_thirty_seconds() -> None:
    assert "identity.E405" in ids(**with_identity(JWT_LEEWAY=31))
    assert "identity.E405" in ids(**with_identity(JWT_LEEWAY=-1))


def test_a_dedicated_key_encryption_key_is_recommended_in_production() -> None:
    assert "identity.W406" in ids(**with_identity(JWT_KEY_ENCRYPTION_KEYS=[]))
    assert "identity.W406" not in ids(DEBUG=True, **with_identity(JWT_KEY_ENCRYPTION_KEYS=[]))


def test_other_jwt_values() -> None:
    assert "identity.E407" in ids(**with_identity(JWT_JWKS_MAX_AGE=0))
    assert "identity.E408" in ids(**with_identity(JWT_USER="users"))
    assert "identity.E408" not in ids(**with_identity(JWT_USER="myproject.users.from_claims"))
    assert "identity.E409" in ids(**with_identity(JWT_COOKIE=True, JWT_COOKIE_SAMESITE="None"))
    assert "identity.E409" not in ids(**with_identity(JWT_COOKIE=True, JWT_COOKIE_SAMESITE="Lax"))


def test_denylist_settings() -> None:
    assert "identity.E410" in ids(**with_identity(DENYLIST_CACHE="nope"))
    assert "identity.E411" in ids(**with_identity(DENYLIST_SYNC_INTERVAL=0))
    assert "identity.E411" in ids(**with_identity(DENYLIST_SYNC_INTERVAL=120))
    remote = with_identity(**REMOTE, REMOTE_JWT_DENYLIST=True)
    assert "identity.E412" in ids(**remote)
    caches = {**settings.CACHES, "default": REDIS_CACHE}
    assert "identity.E412" not in ids(CACHES=caches, **remote)


def test_remote_verification_settings() -> None:
    assert not {i for i in ids(DEBUG=True, **with_identity(**REMOTE)) if i.startswith("identity.E41")}
    assert "identity.E413" in ids(**with_identity(**{**REMOTE, "REMOTE_JWT_ISSUER": "https://id.example.com/"}))
    assert "identity.E414" in ids(**with_identity(**{**REMOTE, "REMOTE_JWT_AUDIENCE": None}))
    assert "identity.E415" in ids(**with_identity(**{**REMOTE, "REMOTE_JWT_ALGORITHMS": ["HS256"]}))
    assert "identity.E415" in ids(**with_identity(**{**REMOTE, "REMOTE_JWT_ALGORITHMS": []}))
    assert "identity.E416" in ids(**with_identity(**{**REMOTE, "JWT_ENABLED": True}))
    assert "identity.W417" in ids(**with_identity(**{**REMOTE, "REMOTE_JWT_ISSUER": "http://id.example.com"}))
    assert "identity.W417" not in ids(DEBUG=True, **with_identity(**{**REMOTE, "REMOTE_JWT_ISSUER": "http://a.b"}))
