"""Light reads: plain rows straight from SQL, for `list` in a pipe and `show` (issue 13).

Nothing here builds a domain record (cmelog.domain.model costs ~10 ms to import, and an Entry per
row most of `list`'s time on a long logbook): `list` gets tuples of the columns it prints, `show`
one `EntryRecord` with an Entry's attributes. The queries select, filter and order exactly as
storage/reads.py does (`_entry_query`, `get_entry`); tests/test_entry_reads_golden.py pins the
output of both paths.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from typing import Any

SQLITE_MAX_INT = 2**63 - 1

# the columns of a `list` row, in the order of its tab-separated line (render/tabs.py)
LIST_COLUMNS = (
    "id",
    "date",
    "end_date",
    "category",
    "credits",
    "kind",
    "topics",
    "title",
    "provider",
)
_LIST_SELECT = f"SELECT {', '.join(LIST_COLUMNS)} FROM entry"

RECORD_COLUMNS = (
    "id",
    "title",
    "date",
    "end_date",
    "provider",
    "category",
    "credits",
    "minutes",
    "kind",
    "topics",
    "format",
    "url",
    "certificate_sha256",
    "certificate_name",
    "notes",
    "source",
    "moc_points",
)


def window_filter(
    start: dt.date | None, end: dt.date | None, category: int | None
) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (and their arguments) of entries whose effective date lies in the
    window, of `category` when given: shared by every entry query (storage/reads.py too)."""
    where: list[str] = []
    args: list[Any] = []
    if start is not None:
        where.append("eff_date >= ?")
        args.append(start.isoformat())
    if end is not None:
        where.append("eff_date <= ?")
        args.append(end.isoformat())
    if category is not None:
        where.append("category = ?")
        args.append(category)
    return where, args


def day(value: Any) -> dt.date | None:
    """A stored date (None when none), read as storage/reads.py reads it."""
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def topic_slugs(text: str | None) -> tuple[str, ...]:
    """The slugs of a stored topics column (";a;b;"), as stored."""
    return tuple(t for t in (text or "").split(";") if t)


def has_profile(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM profile WHERE id = 1").fetchone() is not None


def database_file(con: sqlite3.Connection) -> str | None:
    """The file of the main database (what NoProfileError names)."""
    row = con.execute("PRAGMA database_list").fetchone()
    return row[2] if row else None


def list_rows(
    con: sqlite3.Connection,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    category: int | None = None,
    batch: int = 500,
) -> Iterator[tuple[Any, ...]]:
    """LIST_COLUMNS of the entries whose effective date is in the window, of `category` when
    given, ordered by date then id, read from the cursor a batch at a time (bounded memory)."""
    where, args = window_filter(start, end, category)
    sql = _LIST_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY date, id"
    cursor = con.execute(sql, args)
    try:
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        # a generator left unfinished may be closed after its connection: nothing to do then
        with contextlib.suppress(sqlite3.ProgrammingError):
            cursor.close()


class EntryRecord:
    """One stored entry with an Entry's attributes and values (dates as dates, topics as a
    tuple), without the dataclass machinery: what `show` prints."""

    __slots__ = RECORD_COLUMNS

    id: int
    title: str
    date: dt.date
    end_date: dt.date | None
    provider: str | None
    category: int
    credits: int
    minutes: str | None
    kind: str
    topics: tuple[str, ...]
    format: str | None
    url: str | None
    certificate_sha256: str | None
    certificate_name: str | None
    notes: str | None
    source: str
    moc_points: int | None

    def __init__(self, row: tuple[Any, ...]) -> None:
        for name, value in zip(RECORD_COLUMNS, row, strict=True):
            setattr(self, name, value)
        start = day(self.date)
        assert start is not None
        self.date = start
        self.end_date = day(self.end_date)
        self.topics = topic_slugs(row[9])


def entry_record(con: sqlite3.Connection, entry_id: int) -> EntryRecord | None:
    if not -SQLITE_MAX_INT - 1 <= entry_id <= SQLITE_MAX_INT:
        return None  # no SQLite row can have this id
    row = con.execute(
        f"SELECT {', '.join(RECORD_COLUMNS)} FROM entry WHERE id = ?", (entry_id,)
    ).fetchone()
    return EntryRecord(row) if row else None
