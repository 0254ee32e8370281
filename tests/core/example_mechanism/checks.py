from __future__ import annotations

from typing import Any

from django.core.checks import Info


def check_badges(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    return [Info("Badges are enabled.", id="tests.I001")]
