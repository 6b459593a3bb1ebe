"""Plain domain records shared by every layer. No I/O, no framework imports.

Credits are integer hundredths everywhere (``150`` means 1.50 credits).
"""

from __future__ import annotations

import datetime as dt
from datetime import date

from cmelog.structs import Struct, field


class License(Struct, frozen=True):
    """One license the physician holds: its board (two-letter code), number and type, and the
    expiration date printed on it and/or its initial (issue) date."""

    board: str
    number: str
    type: str = "full"
    expires: date | None = None
    issued: date | None = None


class Ledger(Struct, frozen=True):
    """A ledger kept apart from every state total: `dea-mate` (its name is `dea-mate`, `start`
    the DEA registration date) or `moc` (its name is the --board-name, `start` the cycle start)."""

    kind: str
    name: str
    start: date


class Profile(Struct, frozen=True):
    """The physician; `license`, `board`, `license_expires` and `license_issued` mirror the
    first license (0.1's single license). `licenses` holds every license, first one first."""

    name: str
    birthday: date
    license: str
    board: str = "MA"
    license_expires: date | None = None
    license_issued: date | None = None
    prescriber: bool = True
    adult_patients: bool = True
    licenses: tuple[License, ...] = ()
    ledgers: tuple[Ledger, ...] = ()
    license_type: str = "full"

    @property
    def all_licenses(self) -> tuple[License, ...]:
        """Every license; a profile read without its licenses holds the mirrored first one."""
        if self.licenses:
            return self.licenses
        return (
            License(
                self.board,
                self.license,
                self.license_type,
                self.license_expires,
                self.license_issued,
            ),
        )


class Entry(Struct, frozen=True):
    id: int
    title: str
    date: dt.date
    credits: int  # hundredths, as claimed (after quarter rounding of time / Category 2)
    category: int
    kind: str = "activity"
    end_date: dt.date | None = None
    provider: str | None = None
    minutes: str | None = None  # time as given, exact decimal string of minutes
    topics: tuple[str, ...] = ()
    format: str | None = None
    url: str | None = None
    certificate_sha256: str | None = None
    certificate_name: str | None = None
    notes: str | None = None
    source: str = "typed"
    moc_points: int | None = None  # hundredths of a MOC point, as awarded

    @property
    def effective_date(self) -> dt.date:
        """The date that places the entry in a cycle: its end date when it has one."""
        return self.end_date or self.date


class Attestation(Struct, frozen=True):
    id: int
    requirement: str
    date: dt.date
    how: str
    certificate_sha256: str | None = None
    certificate_name: str | None = None


class CycleWindow(Struct, frozen=True):
    """One renewal cycle: start..end inclusive; end is the renewal date."""

    start: date
    end: date

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


class Contribution(Struct, frozen=True):
    """How much one entry counted toward one requirement, and why."""

    entry_id: int
    credits: int  # hundredths counted toward the requirement
    note: str  # e.g. "counted in full" or "capped: teaching at most 10 per calendar year"


class MetBy(Struct, frozen=True):
    kind: str  # "entry" | "attestation"
    id: int


class RequirementResult(Struct, frozen=True):
    id: str
    label: str
    scope: str  # "cycle" | "one-time"
    applies: bool
    required: int | None  # hundredths; None for a training requirement
    earned: int | None  # hundredths; None for a training requirement
    met: bool
    source: str
    met_by: tuple[MetBy, ...] | None = None  # one-time requirements only
    contributions: tuple[Contribution, ...] = ()
    notes: tuple[str, ...] = ()  # caps that applied, special rules

    @property
    def remaining(self) -> int | None:
        """What is still needed: 0 once met (by attestation, or not applying); None for a
        training requirement (spec/cli.md 0.2)."""
        if self.required is None or self.earned is None:
            return None
        if self.met:
            return 0
        return max(0, self.required - self.earned)

    @property
    def attested(self) -> bool:
        """Met by an attestation and not by the entries' credits alone."""
        met_by = self.met_by or ()
        if self.required is None:
            by_entries = any(m.kind == "entry" for m in met_by)
        else:
            by_entries = (self.earned or 0) >= self.required
        return self.met and not by_entries and any(m.kind == "attestation" for m in met_by)


class EntryOutcome(Struct, frozen=True):
    """What one entry of a cycle counted toward `total` after its kind's caps."""

    entry_id: int
    claimed: int
    counted: int
    notes: tuple[str, ...] = ()


class Evaluation(Struct, frozen=True):
    window: CycleWindow
    requirements: tuple[RequirementResult, ...]
    outcomes: dict[int, EntryOutcome] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return all(r.met for r in self.requirements if r.applies)


class Renewal(Struct, frozen=True):
    """Where a date stands: the renewal that ends the current cycle, and the cycles."""

    as_of: date
    renewal_date: date
    source: str  # "license" | "estimated"
    current: CycleWindow
    previous: CycleWindow | None
    application_mailing_date: date
    waiver_deadline: date | None  # None: the board has no CME waiver deadline

    @property
    def days_until_renewal(self) -> int:
        return (self.renewal_date - self.as_of).days
