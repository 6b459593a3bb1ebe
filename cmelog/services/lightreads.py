"""The light read paths of `list` (tab-separated, in a pipe) and `show` (issue 13).

They check and read what services/entries.py does (the same options in the same order, the
same profile check, the same rows) but never load the rules, never build an Entry and never
import the domain model: plain rows from storage/rows.py. A listing that needs the rules (a
--topic to check, a cycle to place) stays with services/entries.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from cmelog.errors import EntryNotFound, NoProfileError
from cmelog.services.context import Context
from cmelog.storage.rows import EntryRecord


def _require_profile(con: Any) -> None:
    """What services.context.require_profile checks, without reading the profile."""
    from cmelog.storage import rows

    if not rows.has_profile(con):
        raise NoProfileError(rows.database_file(con))


def _parse_date(ctx: Context, text: str, option: str) -> date:
    from cmelog.domain.suggest import parse_date_hint

    return parse_date_hint(text, ctx.today, option)


@contextmanager
def tab_rows(
    ctx: Context,
    *,
    start: str | None = None,
    end: str | None = None,
    category: str | None = None,
    as_of: str | None = None,
) -> Iterator[Iterator[tuple[Any, ...]]]:
    """`list --cycle all` without --topic: the rows of the tab-separated lines (see
    storage.rows.LIST_COLUMNS), read one batch at a time while the block runs. The options are
    checked as `services.entries.list_entries` checks them (--as-of too, though the listing
    does not depend on it)."""
    from cmelog.storage import rows

    if as_of:
        _parse_date(ctx, as_of, "--as-of")
    d_from = _parse_date(ctx, start, "--from") if start else None
    d_to = _parse_date(ctx, end, "--to") if end else None
    cat = None
    if category is not None:
        from cmelog.domain.entries import parse_category

        cat = parse_category(category)
    with ctx.logbook().reader() as con:
        _require_profile(con)
        yield rows.list_rows(con, start=d_from, end=d_to, category=cat)


def entry_record(ctx: Context, entry_id: int) -> EntryRecord:
    """The stored entry `show` prints (exit 1 when there is none)."""
    from cmelog.storage import rows

    with ctx.logbook().reader() as con:
        _require_profile(con)
        record = rows.entry_record(con, entry_id)
        if record is None:
            raise EntryNotFound(entry_id)
        return record
