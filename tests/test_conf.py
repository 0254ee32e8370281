from __future__ import annotations

import pytest
from django.test import override_settings

from identity.conf import DEFAULTS, identity_settings


def test_defaults_apply() -> None:
    assert identity_settings.BASIC_REALM == DEFAULTS["BASIC_REALM"]


def test_user_values_override_and_follow_override_settings() -> None:
    with override_settings(IDENTITY={"BASIC_REALM": "Reports"}):
        assert identity_settings.BASIC_REALM == "Reports"
    assert identity_settings.BASIC_REALM == "identity"


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        identity_settings.NOT_A_SETTING  # noqa: B018


def test_every_default_is_documented_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    missing = [name for name in DEFAULTS if f"`{name}`" not in readme]
    assert not missing, f"settings missing from the README's table: {missing}"
