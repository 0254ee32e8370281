"""The test suite's settings plus the one line a project adds to enable the badge mechanism."""

from __future__ import annotations

from identity.conf import DEFAULT_MECHANISMS
from tests.settings import *  # noqa: F403

IDENTITY = {**IDENTITY, "MECHANISMS": [*DEFAULT_MECHANISMS, "tests.core.example_mechanism"]}  # noqa: F405
