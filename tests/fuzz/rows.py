"""Site A's stored rows, hashed per table, read from its SQLite file in read-only mode: a
rejected request must never change one (issue 11: data is never corrupted by bad input)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

#: Tables whose rows the fuzz must leave alone.
TABLE_PREFIXES = ("identity_",)
TABLES = ("auth_user", "django_session")
#: Columns that change on a legitimate read (last use, polling, expiry sliding).
VOLATILE = {"last_login", "last_seen", "last_used_at", "last_used_ip", "last_polled_at", "expire_date", "last_expiry"}
#: The outbox is a delivery queue that the worker drains: its rows change with no request at all.
SKIPPED = {"identity_outboxmessage"}


def snapshot(database: Path) -> dict[str, str]:
    """``{table: sha256 of its rows}`` without the volatile columns."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        names = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if (name.startswith(TABLE_PREFIXES) or name in TABLES) and name not in SKIPPED
        ]
        digests: dict[str, str] = {}
        for name in names:
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")') if row[1] not in VOLATILE]
            listed = ", ".join(f'"{column}"' for column in columns)
            digest = hashlib.sha256()
            for row in connection.execute(f'SELECT {listed} FROM "{name}" ORDER BY 1'):  # noqa: S608 - names from sqlite_master
                digest.update(repr(row).encode())
            digests[name] = digest.hexdigest()
        return digests
    finally:
        connection.close()


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
