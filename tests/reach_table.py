"""The README's credential table ("What a credential may reach"), read as the matrix tests'
expectations, so the description and the behaviour cannot drift apart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- reach-table:start -->", "<!-- reach-table:end -->"

#: The table's columns, by a stable name.
COLUMNS = ("pages", "admin", "plain-api", "revenue-a", "revenue-b")
ACCEPTED, ANONYMOUS, UNREACHABLE = "accepted", "anonymous", "unreachable"


@dataclass(frozen=True)
class Expected:
    outcome: str  # ACCEPTED, ANONYMOUS, UNREACHABLE, or "refused"
    status: int | None = None  # the refusal's status

    @property
    def refused(self) -> bool:
        return self.status is not None


def _cell(text: str) -> Expected:
    text = text.strip()
    if text == "✓":
        return Expected(ACCEPTED)
    if text == "anonymous":
        return Expected(ANONYMOUS)
    if text == "—":
        return Expected(UNREACHABLE)
    if re.fullmatch(r"40[13]", text):
        return Expected("refused", int(text))
    raise ValueError(f"unknown cell {text!r} in the README's credential table")


def table() -> dict[str, dict[str, Expected]]:
    """``{credential key: {column: Expected}}``; the key is the row's first backquoted word."""
    text = README.read_text(encoding="utf-8")
    body = text.split(START, 1)[1].split(END, 1)[0]
    rows: dict[str, dict[str, Expected]] = {}
    for line in body.strip().splitlines()[2:]:  # past the header and the |---| line
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        key = re.match(r"`([^`]+)`", cells[0])
        assert key, f"row without a key: {line}"
        assert len(cells) == 1 + len(COLUMNS), f"row with {len(cells)} cells: {line}"
        rows[key.group(1)] = {column: _cell(cell) for column, cell in zip(COLUMNS, cells[1:], strict=True)}
    return rows
