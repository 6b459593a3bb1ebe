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
