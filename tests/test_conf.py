from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from identity.conf import DEFAULTS, RENAMED, TYPES, SettingTypeError, coerce, describe, identity_settings
from tests.test_checks import ids


def test_defaults_apply() -> None:
    assert identity_settings.REALM == DEFAULTS["REALM"]


def test_user_values_override_and_follow_override_settings() -> None:
    with override_settings(IDENTITY={"REALM": "Reports"}):
        assert identity_settings.REALM == "Reports"
    assert identity_settings.REALM == "identity"


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        identity_settings.NOT_A_SETTING  # type: ignore[attr-defined]  # noqa: B018


def test_every_default_is_documented_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    missing = [name for name in DEFAULTS if f"`{name}`" not in readme]
    assert not missing, f"settings missing from the README's table: {missing}"


# --- declared types ------------------------------------------------------------------------


def test_every_setting_has_a_declared_type_and_every_type_a_setting() -> None:
    assert sorted(set(DEFAULTS) - set(TYPES)) == [], "settings without a type on IdentitySettings"
    assert sorted(set(TYPES) - set(DEFAULTS)) == [], "types on IdentitySettings without a default"


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_every_default_is_of_its_declared_type(name: str) -> None:
    assert coerce(name, DEFAULTS[name]) == DEFAULTS[name]


def test_renamed_settings_are_both_declared() -> None:
    for new, old in RENAMED.items():
        assert new in TYPES and old in TYPES


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("THROTTLE_WINDOW", "60", 60),  # int
        ("THROTTLE_WINDOW", " 60 ", 60),
        ("THROTTLE_WINDOW", 60.0, 60),
        ("THROTTLE_WINDOW", "60.0", 60),
        ("OUTBOX_TIMEOUT", "2.5", 2.5),  # float
        ("OUTBOX_TIMEOUT", 2, 2.0),
        ("TOKEN_LIFETIME", None, None),  # int | None
        ("TOKEN_LIFETIME", "3600", 3600),
        ("JWT_COOKIE", 1, True),  # bool
        ("JWT_COOKIE", 0, False),
        ("JWT_COOKIE", "false", False),  # what an environment variable carries
        ("JWT_COOKIE", " False ", False),
        ("REMOTE_JWT_DENYLIST", "true", True),
        ("REMOTE_JWT_DENYLIST", "OFF", False),
        ("REMOTE_JWT_DENYLIST", "yes", True),
        ("TRUSTED_PROXIES", ("10.0.0.0/8",), ["10.0.0.0/8"]),  # list[str]
        ("JWT_KEY_ENCRYPTION_KEYS", [b"k1", "k2"], [b"k1", "k2"]),  # list[str | bytes]
        ("OAUTH2_SCOPES", {"openid": "Sign in"}, {"openid": "Sign in"}),  # dict[str, str]
        ("JWT_COOKIE_SAMESITE", "Lax", "Lax"),  # Literal
        ("ISSUER", "https://id.example.com", "https://id.example.com"),  # str | None
    ],
)
def test_values_are_coerced_to_their_declared_type(name: str, value: Any, expected: Any) -> None:
    found = coerce(name, value)
    assert found == expected and type(found) is type(expected)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("THROTTLE_WINDOW", "fifteen"),
        ("THROTTLE_WINDOW", 1.5),  # never truncated
        ("THROTTLE_WINDOW", True),  # a bool is not a number, though Python says it is an int
        ("THROTTLE_WINDOW", None),
        ("OUTBOX_TIMEOUT", "nan"),
        ("OUTBOX_TIMEOUT", float("inf")),
        ("OUTBOX_TIMEOUT", 10**400),  # too large for a float
        ("JWT_COOKIE", "maybe"),
        ("JWT_COOKIE", ""),
        ("JWT_COOKIE", 2),
        ("REALM", 5),  # strings are never converted
        ("TRUSTED_PROXIES", "10.0.0.0/8"),  # a string is not a list of one
        ("TRUSTED_PROXIES", [10]),
        ("OAUTH2_SCOPES", ["openid"]),
        ("OAUTH2_SCOPES", {"openid": 1}),
        ("JWT_COOKIE_SAMESITE", "strict"),
    ],
)
def test_values_not_of_their_type_are_refused(name: str, value: Any) -> None:
    with pytest.raises(SettingTypeError, match=rf"IDENTITY\['{name}'\] is .*, not "):
        coerce(name, value)


def test_a_secret_of_the_wrong_type_is_never_shown() -> None:
    with pytest.raises(SettingTypeError) as refused:
        coerce("JWT_KEY_ENCRYPTION_KEYS", "the-kek-itself")  # a string, where a list is declared
    assert "the-kek-itself" not in str(refused.value)
    assert str(refused.value) == "IDENTITY['JWT_KEY_ENCRYPTION_KEYS'] is a str, not a list of strings or bytes."


def test_types_are_described_in_words() -> None:
    assert describe(TYPES["THROTTLE_WINDOW"]) == "a whole number"
    assert describe(TYPES["TOKEN_LIFETIME"]) == "a whole number or None"
    assert describe(TYPES["TRUSTED_PROXIES"]) == "a list of strings"
    assert describe(TYPES["OAUTH2_SCOPES"]) == "a dict of strings to strings"
    assert describe(TYPES["JWT_COOKIE_SAMESITE"]) == "one of 'Strict', 'Lax', 'None'"


def test_a_setting_is_read_once_as_its_type() -> None:
    with override_settings(IDENTITY={"THROTTLE_WINDOW": "60", "JWT_LEEWAY": 5}):
        assert identity_settings.THROTTLE_WINDOW == 60 and type(identity_settings.THROTTLE_WINDOW) is int
        assert identity_settings.JWT_LEEWAY == 5.0 and type(identity_settings.JWT_LEEWAY) is float
        assert "identity.E004" not in ids()
    assert identity_settings.THROTTLE_WINDOW == DEFAULTS["THROTTLE_WINDOW"]


def test_a_value_not_of_its_type_reads_as_the_default_and_is_a_check_error(caplog: Any) -> None:
    with override_settings(IDENTITY={"THROTTLE_WINDOW": "fifteen minutes"}):
        with caplog.at_level(logging.ERROR, logger="identity.conf"):
            assert identity_settings.THROTTLE_WINDOW == DEFAULTS["THROTTLE_WINDOW"]  # never raises
        assert "IDENTITY['THROTTLE_WINDOW'] is 'fifteen minutes', not a whole number" in caplog.text
        assert "identity.E004" in ids()


def test_the_type_check_names_the_setting_the_type_and_the_default() -> None:
    from identity.core.checks import check_types

    (error,) = check_types({"OUTBOX_TIMEOUT": "soon", "THROTTLE_WINDOW": 60})
    assert error.id == "identity.E004"
    assert error.msg == "IDENTITY['OUTBOX_TIMEOUT'] is 'soon', not a number."
    assert error.hint == "Give a number. Until then the default, 3.0, is used."


# --- REALM and its old name BASIC_REALM ---------------------------------------------------------


def test_basic_realm_is_still_read_as_the_realm_while_realm_is_not_set() -> None:
    with override_settings(IDENTITY={"BASIC_REALM": "Reports"}):
        assert identity_settings.REALM == "Reports"
        assert "identity.W005" in ids()
    with override_settings(IDENTITY={"BASIC_REALM": "Old", "REALM": "New"}):
        assert identity_settings.REALM == "New"
        assert "identity.W005" in ids()
    with override_settings(IDENTITY={"REALM": "New"}):
        assert "identity.W005" not in ids()


def test_an_old_name_of_the_wrong_type_is_reported_under_that_name(caplog: Any) -> None:
    with override_settings(IDENTITY={"BASIC_REALM": 5}), caplog.at_level(logging.ERROR, logger="identity.conf"):
        assert identity_settings.REALM == "identity"
    assert "IDENTITY['BASIC_REALM'] is 5, not a string or None. The default, 'identity', is used" in caplog.text


def test_a_secret_of_the_wrong_type_fails_closed_on_read(settings: Any) -> None:
    """A default key-encryption key is another key: keys sealed under it could not be unsealed once
    the setting is mended. The error names the type, never the value."""
    settings.IDENTITY = {"JWT_KEY_ENCRYPTION_KEYS": "not-a-list-secret"}
    with pytest.raises(ImproperlyConfigured, match=r"JWT_KEY_ENCRYPTION_KEYS'\] is a str, not ") as raised:
        identity_settings.JWT_KEY_ENCRYPTION_KEYS
    assert "not-a-list-secret" not in str(raised.value)


def test_a_boolean_security_switch_read_from_the_environment_stays_on(settings: Any) -> None:
    settings.IDENTITY = {"REMOTE_JWT_DENYLIST": "true"}
    assert identity_settings.REMOTE_JWT_DENYLIST is True


def test_the_system_checks_report_a_wrongly_typed_secret_instead_of_crashing() -> None:
    found = ids(IDENTITY={"ISSUER": "http://testserver", "JWT_KEY_ENCRYPTION_KEYS": "not-a-list-secret"})
    assert "identity.E004" in found
