"""Bulk writes in plain SQL on the DB-API connection: `import` stores thousands of entries
without SQLAlchemy (one `executemany` in the caller's transaction, `Logbook.writer()`), which
keeps its start-up and its per-row cost low. The values stored are those the SQLModel tables
(`storage/models.py`) store: dates as YYYY-MM-DD, credits as integer hundredths, topics as
";slug;slug;"."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from cmelog.domain.model import Entry
from cmelog.storage.reads import topics_to_db
from cmelog.storage.rows import RECORD_COLUMNS

# the stored columns (id aside) with the effective date after the end date, as entry_values gives
ENTRY_FIELDS = ("title", "date", "end_date", "eff_date", *RECORD_COLUMNS[4:])
_INSERT_ENTRY = (
    f"INSERT INTO entry ({', '.join(ENTRY_FIELDS)}) VALUES ({', '.join('?' for _ in ENTRY_FIELDS)})"
)


def now() -> str:
    """The history's timestamp: local time with its offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def json_of(con: Any, table: str) -> str:
    """A SQL json_object(...) of every column of `table`, as stored."""
    columns = [r[1] for r in con.execute(f"PRAGMA table_info({table})").fetchall()]
    return "json_object(" + ", ".join(f"'{c}', {c}" for c in columns) + ")"


def entry_values(e: Entry) -> tuple[Any, ...]:
    """The column values of an entry (without id), in the order of ENTRY_FIELDS."""
    end = e.end_date
    return (
        e.title,
        e.date.isoformat(),
        end.isoformat() if end is not None else None,
        (end or e.date).isoformat(),
        e.provider,
        e.category,
        e.credits,
        e.minutes,
        e.kind,
        topics_to_db(e.topics),
        e.format,
        e.url,
        e.certificate_sha256,
        e.certificate_name,
        e.notes,
        e.source,
        e.moc_points,
    )


def add_entries(
    con: sqlite3.Connection, entries: Sequence[Entry], *, command: str = "import"
) -> int:
    """Insert `entries` (one executemany) and one history row each, in the caller's
    transaction; the number inserted."""
    if not entries:
        return 0
    before = con.execute("SELECT COALESCE(MAX(id), 0) FROM entry").fetchone()[0]
    con.executemany(_INSERT_ENTRY, _rows(entries))
    con.execute(
        "INSERT INTO history (at, command, action, entity, entity_id, old, new) "
        f"SELECT ?, ?, 'import', 'entry', id, NULL, {json_of(con, 'entry')} FROM entry "
        "WHERE id > ? ORDER BY id",
        (now(), command, before),
    )
    return len(entries)


def _rows(entries: Iterable[Entry]) -> Iterable[tuple[Any, ...]]:
    return (entry_values(e) for e in entries)
