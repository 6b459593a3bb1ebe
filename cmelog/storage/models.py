"""SQLModel tables. Credits are INTEGER hundredths; topics are ';'-delimited (";a;b;")."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class ProfileRow(SQLModel, table=True):
    __tablename__ = "profile"

    id: int = Field(default=1, primary_key=True)
    name: str
    birthday: dt.date
    license: str
    board: str = "MA"
    license_expires: dt.date | None = None
    license_issued: dt.date | None = None
    prescriber: bool = True
    adult_patients: bool = True


class EntryRow(SQLModel, table=True):
    __tablename__ = "entry"
    # AUTOINCREMENT: an id is never reused after a delete, so an id written down in an email,
    # an export or met_by never comes to mean another activity
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    title: str
    date: dt.date
    end_date: dt.date | None = None
    eff_date: dt.date = Field(index=True)  # end_date or date: places the entry in a cycle
    provider: str | None = None
    category: int
    credits: int  # hundredths
    minutes: str | None = None  # exact decimal minutes as given
    kind: str = Field(default="activity", index=True)
    topics: str = ""  # ";slug;slug;" sorted, "" for none
    format: str | None = None
    url: str | None = None
    certificate_sha256: str | None = None
    certificate_name: str | None = None
    notes: str | None = None
    source: str = "typed"
    moc_points: int | None = None  # hundredths (schema 2)


class AttestationRow(SQLModel, table=True):
    __tablename__ = "attestation"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    requirement: str = Field(index=True)
    date: dt.date
    how: str
    certificate_sha256: str | None = None
    certificate_name: str | None = None


class ReminderRow(SQLModel, table=True):
    """A reminder milestone already spoken for the cycle ending on `renewal_date`."""

    __tablename__ = "reminder"

    id: int | None = Field(default=None, primary_key=True)
    renewal_date: dt.date = Field(index=True)
    milestone: int
    sent_on: dt.date
    sent_at: str | None = None  # ISO timestamp of the delivery (schema 2)
    channels: str | None = None  # names of the channels that delivered, ";"-joined (schema 2)
    license: str | None = None  # the license's board (schema 3); NULL: the first license


class HistoryRow(SQLModel, table=True):
    """Append-only record of every change (schema 2; triggers refuse UPDATE and DELETE)."""

    __tablename__ = "history"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    at: str  # ISO timestamp with offset
    command: str  # the cmelog command that made the change, e.g. "edit"
    action: str  # add, edit, delete, undelete, import, attest, attestation-edit, ...
    entity: str  # "entry" or "attestation"
    entity_id: int | None = Field(default=None, index=True)
    old: str | None = None  # JSON object of the values before, null on add
    new: str | None = None  # JSON object of the values after, null on delete


class SettingRow(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str


class ChannelRow(SQLModel, table=True):
    """A reminder delivery channel (schema 2). Secrets are never stored here."""

    __tablename__ = "channel"

    name: str = Field(primary_key=True)
    url: str
    position: int = 0


class LicenseRow(SQLModel, table=True):
    """One license held (schema 3); the one with the lowest position is the first license."""

    __tablename__ = "license"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    position: int = 0
    board: str = Field(unique=True)
    number: str
    type: str = "full"
    expires: dt.date | None = None
    issued: dt.date | None = None


class LedgerRow(SQLModel, table=True):
    """A ledger kept apart from the state totals (schema 3): dea-mate or moc."""

    __tablename__ = "ledger"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    position: int = 0
    kind: str
    name: str = Field(unique=True)
    start: dt.date
