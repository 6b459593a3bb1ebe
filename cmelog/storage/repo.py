"""Queries over an open session. Converts rows to the plain domain records of domain.model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, insert, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, delete, select

from cmelog.domain.model import Attestation, Entry, Profile
from cmelog.storage.models import AttestationRow, EntryRow, ProfileRow, ReminderRow


def topics_to_db(topics: Iterable[str]) -> str:
    slugs = sorted(set(topics))
    return ";" + ";".join(slugs) + ";" if slugs else ""


def topics_from_db(text: str) -> tuple[str, ...]:
    return tuple(t for t in text.split(";") if t)


# ------------------------------------------------------------------ profile
def get_profile(s: Session) -> Profile | None:
    row = s.get(ProfileRow, 1)
    if row is None:
        return None
    return Profile(
        name=row.name,
        birthday=row.birthday,
        license=row.license,
        board=row.board,
        license_expires=row.license_expires,
        license_issued=row.license_issued,
        prescriber=row.prescriber,
        adult_patients=row.adult_patients,
    )


def save_profile(s: Session, p: Profile) -> None:
    row = s.get(ProfileRow, 1) or ProfileRow(
        id=1, name=p.name, birthday=p.birthday, license=p.license
    )
    for key in (
        "name",
        "birthday",
        "license",
        "board",
        "license_expires",
        "license_issued",
        "prescriber",
        "adult_patients",
    ):
        setattr(row, key, getattr(p, key))
    s.add(row)


# ------------------------------------------------------------------ entries
def entry_from_row(r: EntryRow) -> Entry:
    assert r.id is not None
    return Entry(
        id=r.id,
        title=r.title,
        date=r.date,
        end_date=r.end_date,
        provider=r.provider,
        category=r.category,
        credits=r.credits,
        minutes=r.minutes,
        kind=r.kind,
        topics=topics_from_db(r.topics),
        format=r.format,
        url=r.url,
        certificate_sha256=r.certificate_sha256,
        certificate_name=r.certificate_name,
        notes=r.notes,
        source=r.source,
    )


def row_values(e: Entry) -> dict[str, Any]:
    """Column values of an entry (without id)."""
    return {
        "title": e.title,
        "date": e.date,
        "end_date": e.end_date,
        "eff_date": e.effective_date,
        "provider": e.provider,
        "category": e.category,
        "credits": e.credits,
        "minutes": e.minutes,
        "kind": e.kind,
        "topics": topics_to_db(e.topics),
        "format": e.format,
        "url": e.url,
        "certificate_sha256": e.certificate_sha256,
        "certificate_name": e.certificate_name,
        "notes": e.notes,
        "source": e.source,
    }


def add_entry(s: Session, e: Entry) -> Entry:
    row = EntryRow(**row_values(e))
    s.add(row)
    s.flush()
    return entry_from_row(row)


def add_entries(s: Session, entries: Sequence[Entry]) -> int:
    """Bulk insert: one executemany, not one ORM round trip per row."""
    if entries:
        s.execute(insert(EntryRow), [row_values(e) for e in entries])
    return len(entries)


def update_entry(s: Session, e: Entry) -> Entry:
    row = s.get(EntryRow, e.id)
    assert row is not None
    for key, value in row_values(e).items():
        setattr(row, key, value)
    s.add(row)
    s.flush()
    return entry_from_row(row)


SQLITE_MAX_INT = 2**63 - 1


def get_entry(s: Session, entry_id: int) -> Entry | None:
    if not -SQLITE_MAX_INT - 1 <= entry_id <= SQLITE_MAX_INT:
        return None  # no SQLite row can have this id
    row = s.get(EntryRow, entry_id)
    return entry_from_row(row) if row else None


def delete_entry(s: Session, entry_id: int) -> bool:
    result = s.execute(delete(EntryRow).where(col(EntryRow.id) == entry_id))
    return bool(getattr(result, "rowcount", 0))


def find_duplicate(s: Session, e: Entry, exclude_id: int | None = None) -> Entry | None:
    """A stored entry with the same date, title, provider, category and credits."""
    q = select(EntryRow).where(
        EntryRow.date == e.date,
        EntryRow.title == e.title,
        EntryRow.category == e.category,
        EntryRow.credits == e.credits,
    )
    q = q.where(
        col(EntryRow.provider).is_(None) if e.provider is None else EntryRow.provider == e.provider
    )
    if exclude_id is not None:
        q = q.where(EntryRow.id != exclude_id)
    row = s.exec(q.limit(1)).first()
    return entry_from_row(row) if row else None


def duplicate_keys(s: Session) -> set[tuple[str, str, str | None, int, int]]:
    table: Any = EntryRow.__table__  # type: ignore[attr-defined]
    rows = s.execute(
        core_select(
            table.c.date, table.c.title, table.c.provider, table.c.category, table.c.credits
        )
    ).all()
    return {(d.isoformat(), t, p, c, cr) for d, t, p, c, cr in rows}


ENTRY_COLUMNS = (
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
)


def _entry_from_tuple(t: Any) -> Entry:
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
    ) = t
    return Entry(
        id=i,
        title=title,
        date=d,
        end_date=end,
        provider=provider,
        category=cat,
        credits=cr,
        minutes=minutes,
        kind=kind,
        topics=topics_from_db(topics),
        format=fmt,
        url=url,
        certificate_sha256=sha,
        certificate_name=cname,
        notes=notes,
        source=src,
    )


def _entry_select() -> Any:
    table = EntryRow.__table__  # type: ignore[attr-defined]
    return core_select(*[table.c[name] for name in ENTRY_COLUMNS])


def list_entries(
    s: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    category: int | None = None,
    topic: str | None = None,
    kinds: Sequence[str] | None = None,
    topics_any: Sequence[str] | None = None,
) -> list[Entry]:
    """Entries by effective date window and filters, ordered by date then id.

    Read through SQLAlchemy Core (plain tuples), not ORM objects: an export reads every row.
    """
    q = _entry_select()
    if start is not None:
        q = q.where(EntryRow.eff_date >= start)
    if end is not None:
        q = q.where(EntryRow.eff_date <= end)
    if category is not None:
        q = q.where(EntryRow.category == category)
    if topic is not None:
        q = q.where(col(EntryRow.topics).contains(f";{topic};"))
    if kinds is not None:
        q = q.where(col(EntryRow.kind).in_(list(kinds)))
    if topics_any is not None:
        q = q.where(or_(*[col(EntryRow.topics).contains(f";{t};") for t in topics_any]))
    q = q.order_by(col(EntryRow.date), col(EntryRow.id))
    return [_entry_from_tuple(t) for t in s.execute(q).all()]


def one_time_prefix(
    s: Session,
    *,
    topics: Sequence[str],
    implied_by_kinds: Sequence[str],
    counting_kinds: Sequence[str],
    max_per_entry: dict[str, int],
    required: int | None,
) -> tuple[list[Entry], int]:
    """The fewest entries, in date order, that reach `required` (one for a training
    requirement), and the sum of what the other qualifying entries count: summed in SQL.
    """
    from sqlalchemy import case, literal

    amount: Any = EntryRow.credits
    if max_per_entry:
        whens: list[Any] = [
            (EntryRow.kind == k, func.min(EntryRow.credits, literal(m)))
            for k, m in max_per_entry.items()
        ]
        amount = case(*whens, else_=EntryRow.credits)
    match = [col(EntryRow.topics).contains(f";{t};") for t in topics]
    if implied_by_kinds:
        match.append(col(EntryRow.kind).in_(list(implied_by_kinds)))
    order = (col(EntryRow.eff_date), col(EntryRow.date), col(EntryRow.id))
    running = func.sum(amount).over(order_by=order)
    total = func.sum(amount).over()
    rank = func.row_number().over(order_by=order)
    inner = (
        _entry_select()
        .add_columns(
            amount.label("amount"),
            running.label("running"),
            total.label("total"),
            rank.label("rank"),
        )
        .where(or_(*match), col(EntryRow.kind).in_(list(counting_kinds)))
        .subquery()
    )
    keep = inner.c.rank == 1 if required is None else inner.c.running - inner.c.amount < required
    columns: list[Any] = [inner.c[n] for n in ENTRY_COLUMNS]
    rows = s.execute(
        core_select(*columns, inner.c.amount, inner.c.total).where(keep).order_by(inner.c.rank)
    ).all()
    rest = int(rows[0][-1]) - sum(int(r[-2]) for r in rows) if rows else 0
    return [_entry_from_tuple(t[:-2]) for t in rows], rest


def aggregate_plain(
    s: Session, start: date, end: date, kinds: Sequence[str]
) -> list[tuple[str, str, int, int]]:
    """(kind, topics, sum of credits, count) of entries of `kinds` in the window, summed in SQL."""
    q = (
        select(EntryRow.kind, EntryRow.topics, func.sum(EntryRow.credits), func.count())
        .where(EntryRow.eff_date >= start, EntryRow.eff_date <= end)
        .where(col(EntryRow.kind).in_(list(kinds)))
        .group_by(col(EntryRow.kind), col(EntryRow.topics))
    )
    return [(k, t, int(c), int(n)) for k, t, c, n in s.exec(q).all()]


def count_entries(s: Session) -> int:
    return int(s.exec(select(func.count()).select_from(EntryRow)).one())


# ------------------------------------------------------------------ attestations
def attestation_from_row(r: AttestationRow) -> Attestation:
    assert r.id is not None
    return Attestation(
        id=r.id,
        requirement=r.requirement,
        date=r.date,
        how=r.how,
        certificate_sha256=r.certificate_sha256,
        certificate_name=r.certificate_name,
    )


def add_attestation(s: Session, a: Attestation) -> Attestation:
    row = AttestationRow(
        requirement=a.requirement,
        date=a.date,
        how=a.how,
        certificate_sha256=a.certificate_sha256,
        certificate_name=a.certificate_name,
    )
    s.add(row)
    s.flush()
    return attestation_from_row(row)


def list_attestations(s: Session) -> list[Attestation]:
    rows = s.exec(
        select(AttestationRow).order_by(col(AttestationRow.date), col(AttestationRow.id))
    ).all()
    return [attestation_from_row(r) for r in rows]


# ------------------------------------------------------------------ reminders
def reminders_sent(s: Session, renewal_date: date) -> set[int]:
    rows = s.exec(select(ReminderRow.milestone).where(ReminderRow.renewal_date == renewal_date))
    return set(rows.all())


def record_reminder(s: Session, renewal_date: date, milestone: int, on: date) -> None:
    s.add(ReminderRow(renewal_date=renewal_date, milestone=milestone, sent_on=on))
