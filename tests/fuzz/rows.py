"""Site A's stored rows, per table, read from its SQLite file in read-only mode: a
rejected request must never change one (issue 11: data is never corrupted by bad input)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: Tables whose rows the fuzz must leave alone.
TABLE_PREFIXES = ("identity_",)
TABLES = ("auth_user", "django_session")
#: Columns that change on any request, rejected or not: last use, polling, and the signed-in
#: session's activity (its sliding expiry, and the address and browser it was last seen from).
VOLATILE = {"last_login", "last_seen", "last_used_at", "last_used_ip", "last_polled_at", "expire_date", "last_expiry"}
VOLATILE_IN = {
    "django_session": {"session_data"},  # rewritten on each request that slides the expiry; the key stays
    "identity_usersession": {"ip", "user_agent", "expires_at"},
}
#: The outbox is a delivery queue that the worker drains: its rows change with no request at all.
SKIPPED = {"identity_outboxmessage"}


def snapshot(database: Path) -> dict[str, frozenset[str]]:
    """``{table: its rows}`` without the volatile columns (each row as its repr)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        names = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if (name.startswith(TABLE_PREFIXES) or name in TABLES) and name not in SKIPPED
        ]
        tables: dict[str, frozenset[str]] = {}
        for name in names:
            columns = [
                row[1]
                for row in connection.execute(f'PRAGMA table_info("{name}")')
                if row[1] not in VOLATILE | VOLATILE_IN.get(name, set())
            ]
            listed = ", ".join(f'"{column}"' for column in columns)
            query = f'SELECT {listed} FROM "{name}"'  # noqa: S608 - names from sqlite_master
            tables[name] = frozenset(repr(row) for row in connection.execute(query))
        return tables
    finally:
        connection.close()


def changed(before: dict[str, frozenset[str]], after: dict[str, frozenset[str]]) -> dict[str, dict[str, list[str]]]:
    """``{table: {"gone": rows, "new": rows}}`` for each table that differs (a few rows each)."""
    empty: frozenset[str] = frozenset()
    return {
        name: {
            "gone": sorted(before.get(name, empty) - after.get(name, empty))[:5],
            "new": sorted(after.get(name, empty) - before.get(name, empty))[:5],
        }
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    }
