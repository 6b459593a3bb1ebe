"""Every read of the logbook, in plain SQL over the DB-API connection.

Reads never import SQLAlchemy: read-only commands (status, list, show, export, ...) open a plain
read-only `sqlite3` connection (`Logbook.reader()`), which keeps their start-up near Typer's own.
Inside a write transaction the same functions take the SQLModel session and run on its own
DB-API connection, so each query is written once and sees that transaction.
Writes, the schema and migrations stay with SQLModel (`storage/repo.py`, `storage/models.py`).
"""

from __future__ import annotations

import contextlib
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import accumulate
from typing import Any

from cmelog.domain.model import Attestation, Entry, Ledger, License, Profile

# one list of an entry's columns for every read (storage/rows.py is light: no domain model)
from cmelog.storage.rows import RECORD_COLUMNS as ENTRY_COLUMNS
from cmelog.storage.rows import SQLITE_MAX_INT as SQLITE_MAX_INT
from cmelog.storage.rows import window_filter
from cmelog.structs import Struct

_ENTRY_SELECT = f"SELECT {', '.join(ENTRY_COLUMNS)} FROM entry"
_ORDER = " ORDER BY date, id"


def connection(c: Any) -> sqlite3.Connection:
    """The DB-API connection of a plain connection or of a SQLModel session."""
    if isinstance(c, sqlite3.Connection):
        return c
    return c.connection().connection.dbapi_connection


def topics_to_db(topics: Iterable[str]) -> str:
    slugs = sorted(set(topics))
    return ";" + ";".join(slugs) + ";" if slugs else ""


def topics_from_db(text: str) -> tuple[str, ...]:
    return tuple(t for t in text.split(";") if t)


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


# ------------------------------------------------------------------ profile
def get_profile(c: Any) -> Profile | None:
    row = (
        connection(c)
        .execute(
            "SELECT name, birthday, license, board, license_expires, license_issued, "
            "prescriber, adult_patients FROM profile WHERE id = 1"
        )
        .fetchone()
    )
    if row is None:
        return None
    name, birthday, license_no, board, expires, issued, prescriber, adults = row
    born = _date(birthday)
    assert born is not None
    licenses = tuple(list_licenses(c))
    # the first license is the profile's license (0.1's single license)
    first = (
        licenses[0]
        if licenses
        else License(board, license_no, "full", _date(expires), _date(issued))
    )
    return Profile(
        name=name,
        birthday=born,
        license=first.number,
        board=first.board,
        license_expires=first.expires,
        license_issued=first.issued,
        prescriber=bool(prescriber),
        adult_patients=bool(adults),
        licenses=licenses,
        ledgers=tuple(list_ledgers(c)),
        license_type=first.type,
    )


# ------------------------------------------------------------------ licenses and ledgers
def list_licenses(c: Any) -> list[License]:
    """Every license held, the first one first."""
    rows = connection(c).execute(
        "SELECT board, number, type, expires, issued FROM license ORDER BY position, id"
    )
    return [License(b, n, t, _date(e), _date(i)) for b, n, t, e, i in rows]


def list_ledgers(c: Any) -> list[Ledger]:
    """Every ledger, in the order added."""
    rows = connection(c).execute("SELECT kind, name, start FROM ledger ORDER BY position, id")
    result = []
    for kind, name, start in rows:
        day = _date(start)
        assert day is not None
        result.append(Ledger(kind, name, day))
    return result


# ------------------------------------------------------------------ entries
def entry_from_row(t: Sequence[Any]) -> Entry:
    (
        i,
        title,
        d,
        end,
        provider,
        cat,
        cr,
        minutes,
        kind,
        topics,
        fmt,
        url,
        sha,
        cname,
        notes,
        src,
        moc,
    ) = t
    start = _date(d)
    assert start is not None
    return Entry(
        id=i,
        title=title,
        date=start,
        end_date=_date(end),
        provider=provider,
        category=cat,
        credits=cr,
        minutes=minutes,
        kind=kind,
        topics=topics_from_db(topics or ""),
        format=fmt,
        url=url,
        certificate_sha256=sha,
        certificate_name=cname,
        notes=notes,
        source=src,
        moc_points=moc,
    )


def get_entry(c: Any, entry_id: int) -> Entry | None:
    if not -SQLITE_MAX_INT - 1 <= entry_id <= SQLITE_MAX_INT:
        return None  # no SQLite row can have this id
    row = connection(c).execute(f"{_ENTRY_SELECT} WHERE id = ?", (entry_id,)).fetchone()
    return entry_from_row(row) if row else None


def get_entries(c: Any, ids: Iterable[int]) -> dict[int, Entry]:
    """Entries by id, in chunks that stay under SQLite's bound-parameter limit."""
    wanted = sorted({i for i in ids if -SQLITE_MAX_INT - 1 <= i <= SQLITE_MAX_INT})
    found: dict[int, Entry] = {}
    for k in range(0, len(wanted), 500):
        chunk = wanted[k : k + 500]
        rows = connection(c).execute(f"{_ENTRY_SELECT} WHERE id IN ({_placeholders(chunk)})", chunk)
        found.update((e.id, e) for e in map(entry_from_row, rows))
    return found


def find_duplicate(c: Any, e: Entry, exclude_id: int | None = None) -> Entry | None:
    """A stored entry with the same date, title, provider, category and credits."""
    sql = (
        f"{_ENTRY_SELECT} WHERE date = ? AND title = ? AND category = ? AND credits = ? "
        "AND provider IS ?"
    )
    args: list[Any] = [e.date.isoformat(), e.title, e.category, e.credits, e.provider]
    if exclude_id is not None:
        sql += " AND id != ?"
        args.append(exclude_id)
    row = connection(c).execute(sql + " LIMIT 1", args).fetchone()
    return entry_from_row(row) if row else None


def duplicate_keys(c: Any) -> set[tuple[str, str, str | None, int, int]]:
    rows = connection(c).execute("SELECT date, title, provider, category, credits FROM entry")
    return {(str(d)[:10], t, p, cat, cr) for d, t, p, cat, cr in rows}


def _entry_query(
    start: date | None,
    end: date | None,
    category: int | None,
    topic: str | None,
    kinds: Sequence[str] | None = None,
    topics_any: Sequence[str] | None = None,
) -> tuple[str, list[Any]]:
    """The SELECT of entries by effective date window and filters, ordered by date then id."""
    where, args = window_filter(start, end, category)
    if topic is not None:
        where.append("topics LIKE ?")
        args.append(f"%;{topic};%")
    if kinds is not None:
        where.append(f"kind IN ({_placeholders(kinds)})" if kinds else "0")
        args += list(kinds)
    if topics_any is not None:
        where.append("(" + (" OR ".join("topics LIKE ?" for _ in topics_any) or "0") + ")")
        args += [f"%;{t};%" for t in topics_any]
    return _ENTRY_SELECT + (" WHERE " + " AND ".join(where) if where else "") + _ORDER, args


def list_entries(
    c: Any,
    *,
    start: date | None = None,
    end: date | None = None,
    category: int | None = None,
    topic: str | None = None,
    kinds: Sequence[str] | None = None,
    topics_any: Sequence[str] | None = None,
) -> list[Entry]:
    """Entries by effective date window and filters, ordered by date then id."""
    sql, args = _entry_query(start, end, category, topic, kinds, topics_any)
    return [entry_from_row(r) for r in connection(c).execute(sql, args)]


def _none_of_topics(topics: Sequence[str]) -> tuple[str, list[str]]:
    """SQL condition (and its arguments): the entry carries none of `topics`."""
    if not topics:
        return "1", []
    return " AND ".join("topics NOT LIKE ?" for _ in topics), [f"%;{t};%" for t in topics]


def aggregate_plain(
    c: Any, start: date, end: date, kinds: Sequence[str], *, except_topics: Sequence[str] = ()
) -> list[tuple[str, str, int, int, int]]:
    """(kind, topics, category, sum of credits, count) of entries of `kinds` in the window that
    carry none of `except_topics`, in the order of (kind, topics, category)."""
    if not kinds:
        return []
    wanted = set(kinds)
    marks = [f";{t};" for t in except_topics]
    digest = _digest(c)
    out = []
    for key in digest.keys:
        kind, topics, category = key
        if kind not in wanted or any(m in topics for m in marks):
            continue
        lo, hi = digest.span(key, start, end)
        if hi > lo:
            out.append((kind, topics, category, digest.total(key, lo, hi), hi - lo))
    return out


class Digest:
    """Every entry's (end) date and credits grouped by (kind, topics, category), in date order,
    with running sums: the sum over any window and any set of kinds or topics, without another
    scan of the table. Read once per read transaction (one scan of five narrow columns), it
    serves every cycle of every license judged in it."""

    def __init__(self, rows: Iterable[tuple[str, str, str, int, int]]) -> None:
        groups: dict[tuple[str, str, int], tuple[list[str], list[int]]] = {}
        for day, kind, topics, category, amount in rows:
            key = (kind, topics, category)
            g = groups.get(key)
            if g is None:
                g = groups[key] = ([], [])
            g[0].append(day)
            g[1].append(amount)
        self.keys = sorted(groups)  # SQL's GROUP BY order (UTF-8 byte order = code points)
        self.dates: dict[tuple[str, str, int], list[str]] = {}
        self.credits: dict[tuple[str, str, int], list[int]] = {}
        self.running: dict[tuple[str, str, int], list[int]] = {}
        for key in self.keys:
            days, credits = groups[key]
            if any(a > b for a, b in zip(days, days[1:], strict=False)):
                pairs = sorted(zip(days, credits, strict=True))
                days, credits = [d for d, _ in pairs], [cr for _, cr in pairs]
            self.dates[key] = days
            self.credits[key] = credits
            self.running[key] = [0, *accumulate(credits)]

    def span(self, key: tuple[str, str, int], start: date | None, end: date) -> tuple[int, int]:
        """Positions [lo, hi) of the key's entries dated from `start` (or the first) to `end`,
        compared as stored ISO dates, as SQL compares them."""
        days = self.dates[key]
        lo = bisect_left(days, start.isoformat()) if start is not None else 0
        return lo, bisect_right(days, end.isoformat())

    def total(self, key: tuple[str, str, int], lo: int, hi: int, cap: int | None = None) -> int:
        """The credits of positions [lo, hi), each counted up to `cap` when one is set."""
        if cap is None:
            run = self.running[key]
            return run[hi] - run[lo]
        return sum(min(cr, cap) for cr in self.credits[key][lo:hi])


def _digest(c: Any) -> Digest:
    memo = _memo(c)
    if memo is not None and "digest" in memo:
        found: Digest = memo["digest"]
        return found
    digest = Digest(
        connection(c).execute("SELECT eff_date, kind, topics, category, credits FROM entry")
    )
    if memo is not None:
        memo["digest"] = digest
    return digest


def entries_with_points(c: Any, *, start: date | None = None, end: date) -> list[Entry]:
    """Entries carrying MOC points dated in the window, ordered by date then id."""
    sql, args = _entry_query(start, end, None, None)
    sql = sql.replace(" WHERE ", " WHERE moc_points IS NOT NULL AND ", 1)
    return [entry_from_row(r) for r in connection(c).execute(sql, args)]


def _memo(c: Any) -> dict[str, Any] | None:
    """The answers kept by a read-only connection in its read transaction (None: none kept)."""
    memo: dict[str, Any] | None = getattr(connection(c), "memo", None)
    return memo


def stored_kinds(c: Any) -> list[str]:
    """Every kind slug in the logbook, known to the rules or not (one indexed scan, once per
    read transaction)."""
    memo = _memo(c)
    if memo is not None and "kinds" in memo:
        return list(memo["kinds"])
    kinds = [k for (k,) in connection(c).execute("SELECT DISTINCT kind FROM entry ORDER BY kind")]
    if memo is not None:
        memo["kinds"] = tuple(kinds)
    return kinds


class OneTimeQuery(Struct, frozen=True):
    """What qualifies for one one-time requirement (rules knowledge, handed in by the caller).

    An entry qualifies when its kind is one of `counting_kinds` and it carries one of `topics`,
    or when its kind is one of `implied_by_kinds`; and, when `category` is set, it is of that
    category.
    """

    id: str
    topics: Sequence[str]
    implied_by_kinds: Sequence[str]
    required: int | None  # hundredths; None: one entry (training) suffices
    counting_kinds: Sequence[str] = ()
    category: int | None = None
    since: date | None = None  # only entries dated on or after it (look-back clocks)
    every: bool = False  # every qualifying entry, one by one (caps count them in date order)


def _one_time_total(
    digest: Digest, q: OneTimeQuery, until: date, max_per_entry: dict[str, int]
) -> int | None:
    """What every entry dated on or before `until` (and from `q.since`) that qualifies for `q`
    counts, each up to its kind's per-entry maximum; None when none qualifies."""
    marks = [f";{t};" for t in q.topics]
    counting = set(q.counting_kinds)
    implied = set(q.implied_by_kinds)
    total: int | None = None
    for key in digest.keys:
        kind, topics, category = key
        if q.category is not None and category != q.category:
            continue
        if not (kind in implied or (kind in counting and any(m in topics for m in marks))):
            continue
        lo, hi = digest.span(key, q.since, until)
        if hi > lo:
            total = (total or 0) + digest.total(key, lo, hi, max_per_entry.get(kind))
    return total


def one_time_prefixes(
    c: Any,
    queries: Sequence[OneTimeQuery],
    *,
    until: date,
    max_per_entry: dict[str, int],
) -> dict[str, tuple[list[Entry], int]]:
    """For each requirement: the fewest entries dated on or before `until`, in order of (end)
    date then id, that reach `required` (one for a training requirement), and the sum of what
    the other qualifying entries dated on or before `until` count.

    The read transaction's digest sums every requirement; then each requirement's entries are
    read in date order (walking the date index) only until it is met, so a long logbook is never
    loaded row by row.
    """
    if not queries:
        return {}
    con = connection(c)
    amount = "credits"
    if max_per_entry:
        whens = " ".join("WHEN ? THEN MIN(credits, ?)" for _ in max_per_entry)
        amount = f"(CASE kind {whens} ELSE credits END)"
    amount_args = [v for k, m in max_per_entry.items() for v in (k, m)]
    dated = "eff_date <= ?"
    dated_args = [until.isoformat()]

    def match(q: OneTimeQuery) -> tuple[str, list[Any]]:
        parts: list[str] = []
        args: list[Any] = []
        if q.topics and q.counting_kinds:
            tagged = " OR ".join("topics LIKE ?" for _ in q.topics)
            parts.append(f"(({tagged}) AND +kind IN ({_placeholders(q.counting_kinds)}))")
            args += [f"%;{t};%" for t in q.topics] + list(q.counting_kinds)
        if q.implied_by_kinds:
            parts.append(f"+kind IN ({_placeholders(q.implied_by_kinds)})")
            args += list(q.implied_by_kinds)
        cond = "(" + (" OR ".join(parts) or "0") + ")"
        if q.category is not None:
            cond += " AND category = ?"
            args.append(q.category)
        if q.since is not None:
            cond += " AND +eff_date >= ?"
            args.append(q.since.isoformat())
        return cond, args

    digest = _digest(c)
    totals = [_one_time_total(digest, q, until, max_per_entry) for q in queries]
    picked: dict[str, tuple[list[int], int]] = {}
    for q, total in zip(queries, totals, strict=True):
        if total is None:  # nothing qualifies: no need to walk the date index to find that out
            picked[q.id] = ([], 0)
            continue
        cond, args = match(q)
        # sort only (id, amount) and stop once met; the prefix's rows are read by id below
        cursor = con.execute(
            f"SELECT id, {amount} FROM entry WHERE {cond} AND {dated} ORDER BY eff_date, id",
            [*amount_args, *args, *dated_args],
        )
        ids: list[int] = []
        counted = 0
        for i, counts in cursor:
            ids.append(i)
            counted += int(counts)
            if not q.every and (q.required is None or counted >= q.required):
                break
        cursor.close()
        picked[q.id] = (ids, int(total) - counted)
    rows = get_entries(con, [i for ids, _ in picked.values() for i in ids])
    return {k: ([rows[i] for i in ids], rest) for k, (ids, rest) in picked.items()}


# ------------------------------------------------------------------ attestations, reminders
def list_attestations(c: Any) -> list[Attestation]:
    memo = _memo(c)
    if memo is not None and "attestations" in memo:
        return list(memo["attestations"])
    rows = connection(c).execute(
        "SELECT id, requirement, date, how, certificate_sha256, certificate_name "
        "FROM attestation ORDER BY date, id"
    )
    out = []
    for i, req, d, how, sha, name in rows:
        when = _date(d)
        assert when is not None
        out.append(Attestation(i, req, when, how, sha, name))
    if memo is not None:
        memo["attestations"] = tuple(out)
    return out


def reminders_sent(c: Any, renewal_date: date) -> set[int]:
    rows = connection(c).execute(
        "SELECT milestone FROM reminder WHERE renewal_date = ?", (renewal_date.isoformat(),)
    )
    return {int(m) for (m,) in rows}


def count_entries(c: Any, *, start: date, end: date) -> int:
    """How many entries have their effective date in the window (audit export)."""
    row = (
        connection(c)
        .execute(
            "SELECT COUNT(*) FROM entry WHERE eff_date >= ? AND eff_date <= ?",
            (start.isoformat(), end.isoformat()),
        )
        .fetchone()
    )
    return int(row[0])


# ------------------------------------------------------------------ issue 10: streaming, history
def iter_entries(
    c: Any,
    *,
    start: date | None = None,
    end: date | None = None,
    category: int | None = None,
    topic: str | None = None,
    batch: int = 500,
) -> Iterator[Entry]:
    """Entries like `list_entries`, one at a time from the cursor (bounded memory, for
    `list --json` / `--csv` on a long logbook)."""
    sql, args = _entry_query(start, end, category, topic)
    cursor = connection(c).execute(sql, args)
    try:
        while rows := cursor.fetchmany(batch):
            yield from map(entry_from_row, rows)
    finally:
        # a generator left unfinished may be closed after its connection: nothing to do then
        with contextlib.suppress(sqlite3.ProgrammingError):
            cursor.close()


class Change(Struct, frozen=True):
    """One row of the append-only history."""

    id: int
    at: str
    command: str
    action: str
    entity: str
    entity_id: int | None
    old: dict[str, Any] | None
    new: dict[str, Any] | None


def _change(row: Sequence[Any]) -> Change:
    import json

    i, at, command, action, entity, entity_id, old, new = row
    return Change(
        i,
        at,
        command,
        action,
        entity,
        entity_id,
        json.loads(old) if old else None,
        json.loads(new) if new else None,
    )


def history(c: Any, entity_id: int | None = None, entity: str | None = None) -> list[Change]:
    """Changes in the order made; of one entity when `entity_id` is given."""
    sql = "SELECT id, at, command, action, entity, entity_id, old, new FROM history"
    args: list[Any] = []
    where: list[str] = []
    if entity_id is not None:
        where.append("entity_id = ?")
        args.append(entity_id)
    if entity is not None:
        where.append("entity = ?")
        args.append(entity)
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [_change(r) for r in connection(c).execute(sql + " ORDER BY id", args)]


def last_deletion(c: Any, entry_id: int) -> Change | None:
    row = (
        connection(c)
        .execute(
            "SELECT id, at, command, action, entity, entity_id, old, new FROM history "
            "WHERE entity = 'entry' AND entity_id = ? AND action = 'delete' "
            "ORDER BY id DESC LIMIT 1",
            (entry_id,),
        )
        .fetchone()
    )
    return _change(row) if row else None


def get_attestation(c: Any, attestation_id: int) -> Attestation | None:
    if not -SQLITE_MAX_INT - 1 <= attestation_id <= SQLITE_MAX_INT:
        return None
    row = (
        connection(c)
        .execute(
            "SELECT id, requirement, date, how, certificate_sha256, certificate_name "
            "FROM attestation WHERE id = ?",
            (attestation_id,),
        )
        .fetchone()
    )
    if row is None:
        return None
    i, req, d, how, sha, name = row
    when = _date(d)
    assert when is not None
    return Attestation(i, req, when, how, sha, name)


def certificate_references(c: Any) -> list[tuple[str, int, str, str | None]]:
    """(entity, id, sha256, name) of every certificate an entry or attestation names."""
    rows = connection(c).execute(
        "SELECT 'entry', id, certificate_sha256, certificate_name FROM entry "
        "WHERE certificate_sha256 IS NOT NULL UNION ALL "
        "SELECT 'attestation', id, certificate_sha256, certificate_name FROM attestation "
        "WHERE certificate_sha256 IS NOT NULL ORDER BY 1, 2"
    )
    return [(str(e), int(i), str(sha).lower(), n) for e, i, sha, n in rows]


def history_certificates(c: Any) -> set[str]:
    """Certificate SHA-256s named by any recorded value (deleted entries can come back)."""
    rows = connection(c).execute(
        "SELECT json_extract(old, '$.certificate_sha256'), "
        "json_extract(new, '$.certificate_sha256') FROM history"
    )
    return {str(v).lower() for r in rows for v in r if v}
