"""System checks of opaque tokens (identity.E3xx)."""

from __future__ import annotations

from django.conf import settings

from tests.test_checks import ids


def with_identity(**values: object) -> dict[str, object]:
    return {"IDENTITY": {**settings.IDENTITY, **values}}


def test_token_cache_must_exist() -> None:
    assert "identity.E301" in ids(**with_identity(TOKEN_CACHE="nope"))
    assert "identity.E301" not in ids(**with_identity(TOKEN_CACHE="redis"))


def test_token_lifetime_must_be_positive_seconds_or_none() -> None:
    for bad in (0, -5):
        assert "identity.E302" in ids(**with_identity(TOKEN_LIFETIME=bad))
    for not_whole_seconds in ("30d", 1.5, True):  # not even of the setting's type
        assert "identity.E004" in ids(**with_identity(TOKEN_LIFETIME=not_whole_seconds))
    assert not {"identity.E302", "identity.E004"} & ids(**with_identity(TOKEN_LIFETIME=None))
    assert not {"identity.E302", "identity.E004"} & ids(**with_identity(TOKEN_LIFETIME="3600"))


def test_token_intervals_must_be_positive() -> None:
    assert "identity.E303" in ids(**with_identity(TOKEN_LAST_USED_INTERVAL=0))
    assert not {"identity.E303", "identity.E004"} & ids(**with_identity(TOKEN_CACHE_SECONDS="5"))


def test_no_token_checks_when_tokens_are_off() -> None:
    assert not {
        i for i in ids(**with_identity(TOKENS_ENABLED=False, TOKEN_CACHE="nope")) if i.startswith("identity.E3")
    }
