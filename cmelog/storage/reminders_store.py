"""Reads and writes of the reminder, channel and setting tables (schema 2).

Reads are plain SQL on the DB-API connection (a read-only `sqlite3` connection, or a SQLModel
session's own connection inside a write transaction); writes go through the session, so that a
command's writes are one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cmelog.storage.reads import connection
from cmelog.structs import Struct


class StoredChannel(Struct, frozen=True):
    name: str
    url: str
    position: int


class DeliveryRecord(Struct, frozen=True):
    renewal_date: date
    milestone: int
    sent_on: date
    sent_at: str | None
    channels: tuple[str, ...]


# ------------------------------------------------------------------ reads
def reminders_sent(c: Any, renewal_date: date) -> set[int]:
    rows = connection(c).execute(
        "SELECT milestone FROM reminder WHERE renewal_date = ?", (renewal_date.isoformat(),)
    )
    return {int(m) for (m,) in rows}


def _record(row: tuple[Any, ...]) -> DeliveryRecord:
    renewal, milestone, sent_on, sent_at, channels = row
    return DeliveryRecord(
        date.fromisoformat(str(renewal)[:10]),
        int(milestone),
        date.fromisoformat(str(sent_on)[:10]),
        sent_at,
        tuple(n for n in (channels or "").split(";") if n),
    )


def deliveries(
    c: Any, renewal_date: date, board: str | None = None, first: bool = True
) -> list[DeliveryRecord]:
    """Reminders delivered for the renewal on `renewal_date` of the license of `board` (the
    first license's older records carry no board)."""
    which = "(license IS NULL OR license = ?)" if first else "license = ?"
    rows = connection(c).execute(
        "SELECT renewal_date, milestone, sent_on, sent_at, channels FROM reminder "
        f"WHERE renewal_date = ? AND {which} ORDER BY sent_on, id",
        (renewal_date.isoformat(), board or ""),
    )
    return [_record(r) for r in rows]


def last_delivery(c: Any) -> DeliveryRecord | None:
    row = (
        connection(c)
        .execute(
            "SELECT renewal_date, milestone, sent_on, sent_at, channels FROM reminder "
            "ORDER BY COALESCE(sent_at, sent_on) DESC, id DESC LIMIT 1"
        )
        .fetchone()
    )
    return _record(row) if row else None


def list_channels(c: Any) -> list[StoredChannel]:
    rows = connection(c).execute("SELECT name, url, position FROM channel ORDER BY position, name")
    return [StoredChannel(str(n), str(u), int(p)) for n, u, p in rows]


def get_setting(c: Any, key: str) -> str | None:
    row = connection(c).execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


# ------------------------------------------------------------------ writes (SQLModel session)
def record_delivery(
    s: Any,
    renewal_date: date,
    milestone: int,
    on: date,
    at: str,
    channels: list[str],
    board: str | None = None,
) -> None:
    from cmelog.storage.models import ReminderRow

    s.add(
        ReminderRow(
            renewal_date=renewal_date,
            milestone=milestone,
            sent_on=on,
            sent_at=at,
            channels=";".join(channels),
            license=board,
        )
    )


def add_channel(s: Any, name: str, url: str) -> None:
    from cmelog.storage.models import ChannelRow

    position = connection(s).execute("SELECT COALESCE(MAX(position), 0) + 1 FROM channel")
    s.add(ChannelRow(name=name, url=url, position=int(position.fetchone()[0])))


def remove_channel(s: Any, name: str) -> bool:
    from cmelog.storage.models import ChannelRow

    row = s.get(ChannelRow, name)
    if row is None:
        return False
    s.delete(row)
    return True


def set_setting(s: Any, key: str, value: str | None) -> None:
    from cmelog.storage.models import SettingRow

    row = s.get(SettingRow, key)
    if value is None:
        if row is not None:
            s.delete(row)
        return
    if row is None:
        s.add(SettingRow(key=key, value=value))
    else:
        row.value = value
        s.add(row)
