"""Demo data for site B. Site B has no users of its own: they arrive through single sign-on
with site A (created on their first sign-in, updated from site A's attributes on each), so
there is nothing to seed yet. Later mechanisms add their own steps to ``STEPS``; each creates
what is missing and never touches an existing row."""

from __future__ import annotations

from collections.abc import Callable

Report = Callable[[str], None]

STEPS: list[Callable[[Report], None]] = []
