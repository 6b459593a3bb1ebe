"""Writes, through SQLModel sessions. Reads are in `storage/reads.py` (plain SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, delete

from cmelog.domain.model import Attestation, Entry, Ledger, License, Profile
from cmelog.storage import bulk
from cmelog.storage.models import AttestationRow, EntryRow, ProfileRow, ReminderRow
from cmelog.storage.reads import connection, topics_to_db
from cmelog.structs import replace

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


def save_profile(s: Session, p: Profile, *, command: str = "profile set") -> None:
    """The profile, and its license as the first license: created with the profile (`init`,
    no history row), else updated (one history row when it changed)."""
    row = s.get(ProfileRow, 1) or ProfileRow(
        id=1, name=p.name, birthday=p.birthday, license=p.license
    )
    for key in PROFILE_FIELDS:
        setattr(row, key, getattr(p, key))
    s.add(row)
    s.flush()
    first = _first_license_id(s)
    values = License(p.board, p.license, p.license_type, p.license_expires, p.license_issued)
    if first is None:
        _insert_license(s, values, 0)
    else:
        _update_license(s, first, values, command=command)


# ------------------------------------------------------------------ licenses and ledgers
def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _first_license_id(s: Session) -> int | None:
    row = connection(s).execute("SELECT id FROM license ORDER BY position, id LIMIT 1").fetchone()
    return int(row[0]) if row else None


def _license_id(s: Session, board: str) -> int | None:
    row = connection(s).execute("SELECT id FROM license WHERE board = ?", (board,)).fetchone()
    return int(row[0]) if row else None


def _insert_license(s: Session, lic: License, position: int) -> int:
    cur = connection(s).execute(
        "INSERT INTO license (position, board, number, type, expires, issued) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (position, lic.board, lic.number, lic.type, _iso(lic.expires), _iso(lic.issued)),
    )
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


def _update_license(s: Session, license_id: int, lic: License, *, command: str) -> None:
    old = _snapshot(s, "license", license_id)
    connection(s).execute(
        "UPDATE license SET board = ?, number = ?, type = ?, expires = ?, issued = ? WHERE id = ?",
        (lic.board, lic.number, lic.type, _iso(lic.expires), _iso(lic.issued), license_id),
    )
    new = _snapshot(s, "license", license_id)
    if new != old:
        record_history(
            s,
            command=command,
            action="edit",
            entity="license",
            entity_id=license_id,
            old=old,
            new=new,
        )


def _mirror_first_license(s: Session) -> None:
    """The profile's license columns (NOT NULL, 0.1's single license) follow the first one."""
    connection(s).execute(
        "UPDATE profile SET (license, board, license_expires, license_issued) = "
        "(SELECT number, board, expires, issued FROM license ORDER BY position, id LIMIT 1) "
        "WHERE id = 1 AND EXISTS (SELECT 1 FROM license)"
    )


def add_license(s: Session, lic: License, *, command: str = "license add") -> None:
    """Add a license after the others (the first one stays first)."""
    s.flush()
    con = connection(s)
    position = con.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM license").fetchone()[0]
    license_id = _insert_license(s, lic, int(position))
    record_history(
        s,
        command=command,
        action="add",
        entity="license",
        entity_id=license_id,
        old=None,
        new=_snapshot(s, "license", license_id),
    )
    _mirror_first_license(s)


def update_license(s: Session, board: str, lic: License, *, command: str = "license set") -> bool:
    """Change the license held from `board` (False when none is); the profile follows the
    first license."""
    s.flush()
    license_id = _license_id(s, board)
    if license_id is None:
        return False
    _update_license(s, license_id, lic, command=command)
    _mirror_first_license(s)
    return True


def remove_license(s: Session, board: str, *, command: str = "license remove") -> bool:
    """Remove the license held from `board`; the next one becomes the first when it was."""
    s.flush()
    license_id = _license_id(s, board)
    if license_id is None:
        return False
    old = _snapshot(s, "license", license_id)
    connection(s).execute("DELETE FROM license WHERE id = ?", (license_id,))
    record_history(
        s,
        command=command,
        action="delete",
        entity="license",
        entity_id=license_id,
        old=old,
        new=None,
    )
    _mirror_first_license(s)
    return True


def add_ledger(s: Session, ledger: Ledger, *, command: str = "ledger add") -> None:
    s.flush()
    con = connection(s)
    position = con.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM ledger").fetchone()[0]
    cur = con.execute(
        "INSERT INTO ledger (position, kind, name, start) VALUES (?, ?, ?, ?)",
        (int(position), ledger.kind, ledger.name, ledger.start.isoformat()),
    )
    assert cur.lastrowid is not None
    ledger_id = int(cur.lastrowid)
    record_history(
        s,
        command=command,
        action="add",
        entity="ledger",
        entity_id=ledger_id,
        old=None,
        new=_snapshot(s, "ledger", ledger_id),
    )


def remove_ledger(s: Session, name: str, *, command: str = "ledger remove") -> bool:
    s.flush()
    con = connection(s)
    row = con.execute("SELECT id FROM ledger WHERE name = ?", (name,)).fetchone()
    if row is None:
        return False
    ledger_id = int(row[0])
    old = _snapshot(s, "ledger", ledger_id)
    con.execute("DELETE FROM ledger WHERE id = ?", (ledger_id,))
    record_history(
        s,
        command=command,
        action="delete",
        entity="ledger",
        entity_id=ledger_id,
        old=old,
        new=None,
    )
    return True


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


# ------------------------------------------------------------------ history (same transaction)
_now = bulk.now
_json_of = bulk.json_of


def _snapshot(s: Session, table: str, row_id: int) -> str | None:
    con = connection(s)
    sql = f"SELECT {_json_of(con, table)} FROM {table} WHERE id = ?"
    row = con.execute(sql, (row_id,)).fetchone()
    return str(row[0]) if row else None


def record_history(
    s: Session,
    *,
    command: str,
    action: str,
    entity: str,
    entity_id: int | None,
    old: str | None,
    new: str | None,
) -> None:
    """Append one change to the history (append-only: triggers refuse UPDATE and DELETE)."""
    connection(s).execute(
        "INSERT INTO history (at, command, action, entity, entity_id, old, new) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (_now(), command, action, entity, entity_id, old, new),
    )


def add_entry(s: Session, e: Entry, *, command: str = "add") -> Entry:
    row = EntryRow(**row_values(e))
    s.add(row)
    s.flush()
    assert row.id is not None
    record_history(
        s,
        command=command,
        action="add",
        entity="entry",
        entity_id=row.id,
        old=None,
        new=_snapshot(s, "entry", row.id),
    )
    return replace(e, id=row.id)


def add_entries(s: Session, entries: Sequence[Entry], *, command: str = "import") -> int:
    """Bulk insert: one executemany, not one ORM round trip per row; one history row each
    (`storage/bulk.py`, on the session's own connection)."""
    if entries:
        s.flush()
        bulk.add_entries(connection(s), entries, command=command)
    return len(entries)


def update_entry(s: Session, e: Entry, *, command: str = "edit") -> Entry:
    row = s.get(EntryRow, e.id)
    assert row is not None
    s.flush()
    old = _snapshot(s, "entry", e.id)
    for key, value in row_values(e).items():
        setattr(row, key, value)
    s.add(row)
    s.flush()
    new = _snapshot(s, "entry", e.id)
    if new != old:
        record_history(
            s, command=command, action="edit", entity="entry", entity_id=e.id, old=old, new=new
        )
    return e


def delete_entry(s: Session, entry_id: int, *, command: str = "delete") -> bool:
    return _delete(s, EntryRow, "entry", "delete", entry_id, command)


def _delete(s: Session, table: Any, entity: str, action: str, row_id: int, command: str) -> bool:
    """Delete one row, recording its old values in the history in the same transaction."""
    s.flush()
    old = _snapshot(s, entity, row_id)
    result = s.execute(delete(table).where(col(table.id) == row_id))
    gone = bool(getattr(result, "rowcount", 0))
    if gone:
        record_history(
            s, command=command, action=action, entity=entity, entity_id=row_id, old=old, new=None
        )
    return gone


def undelete_entry(s: Session, entry_id: int, values: dict[str, Any]) -> None:
    """Insert a deleted entry back with its id and the values it had when deleted."""
    con = connection(s)
    columns = [r[1] for r in con.execute("PRAGMA table_info(entry)").fetchall()]
    names = [c for c in columns if c in values]
    s.flush()
    con.execute(
        f"INSERT INTO entry ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [values[c] for c in names],
    )
    record_history(
        s,
        command="undelete",
        action="undelete",
        entity="entry",
        entity_id=entry_id,
        old=None,
        new=_snapshot(s, "entry", entry_id),
    )


def add_attestation(s: Session, a: Attestation, *, command: str = "attest") -> Attestation:
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
    record_history(
        s,
        command=command,
        action="attest",
        entity="attestation",
        entity_id=row.id,
        old=None,
        new=_snapshot(s, "attestation", row.id),
    )
    return replace(a, id=row.id)


def update_attestation(s: Session, a: Attestation, *, command: str = "attestations edit") -> None:
    row = s.get(AttestationRow, a.id)
    assert row is not None
    s.flush()
    old = _snapshot(s, "attestation", a.id)
    row.date = a.date
    row.how = a.how
    row.certificate_sha256 = a.certificate_sha256
    row.certificate_name = a.certificate_name
    s.add(row)
    s.flush()
    new = _snapshot(s, "attestation", a.id)
    if new != old:
        record_history(
            s,
            command=command,
            action="attestation-edit",
            entity="attestation",
            entity_id=a.id,
            old=old,
            new=new,
        )


def delete_attestation(
    s: Session, attestation_id: int, *, command: str = "attestations delete"
) -> bool:
    return _delete(s, AttestationRow, "attestation", "attestation-delete", attestation_id, command)


def record_reminder(s: Session, renewal_date: date, milestone: int, on: date) -> None:
    s.add(ReminderRow(renewal_date=renewal_date, milestone=milestone, sent_on=on))
