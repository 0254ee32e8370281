"""The demo report: revenue by region for the year (the same total as the Portal shows)."""

from __future__ import annotations

REPORT = {
    "currency": "EUR",
    "year": 2026,
    "regions": [
        {"region": "North", "revenue": 301_200},
        {"region": "South", "revenue": 244_850},
        {"region": "East", "revenue": 187_600},
        {"region": "West", "revenue": 134_700},
    ],
}
REPORT["total"] = sum(r["revenue"] for r in REPORT["regions"])  # type: ignore[index, union-attr]
