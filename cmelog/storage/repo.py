"""Writes, through SQLModel sessions. Reads are in `storage/reads.py` (plain SQL)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, delete

from cmelog.domain.model import Attestation, Entry, Profile
from cmelog.storage.models import AttestationRow, EntryRow, ProfileRow, ReminderRow
from cmelog.storage.reads import topics_to_db

PROFILE_FIELDS = (
    "name",
    "birthday",
    "license",
    "board",
    "license_expires",
    "license_issued",
    "prescriber",
    "adult_patients",
)


def save_profile(s: Session, p: Profile) -> None:
    row = s.get(ProfileRow, 1) or ProfileRow(
        id=1, name=p.name, birthday=p.birthday, license=p.license
    )
    for key in PROFILE_FIELDS:
        setattr(row, key, getattr(p, key))
    s.add(row)


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
        "moc_points": e.moc_points,
    }


def add_entry(s: Session, e: Entry) -> Entry:
    row = EntryRow(**row_values(e))
    s.add(row)
    s.flush()
    assert row.id is not None
    return dataclasses.replace(e, id=row.id)


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
    return e


def delete_entry(s: Session, entry_id: int) -> bool:
    result = s.execute(delete(EntryRow).where(col(EntryRow.id) == entry_id))
    return bool(getattr(result, "rowcount", 0))


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
    assert row.id is not None
    return dataclasses.replace(a, id=row.id)


def record_reminder(s: Session, renewal_date: date, milestone: int, on: date) -> None:
    s.add(ReminderRow(renewal_date=renewal_date, milestone=milestone, sent_on=on))
