"""The "Badges" section of the Security page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template import Template

SECTION = Template(
    '<section id="badges"><h2>Badges</h2><p>{{ section.count }} badge for {{ user.username }}</p></section>'
)


def badges_section(request: HttpRequest) -> dict[str, Any]:
    return {"template": SECTION, "count": 1}
