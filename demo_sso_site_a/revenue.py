"""The demo's figures (both sites show the same company's numbers)."""

from __future__ import annotations

REVENUE = {
    "currency": "EUR",
    "year": 2026,
    "quarters": [
        {"quarter": "Q1", "revenue": 182_400},
        {"quarter": "Q2", "revenue": 205_900},
        {"quarter": "Q3", "revenue": 231_300},
        {"quarter": "Q4", "revenue": 248_750},
    ],
}
REVENUE["total"] = sum(q["revenue"] for q in REVENUE["quarters"])  # type: ignore[index, union-attr]
