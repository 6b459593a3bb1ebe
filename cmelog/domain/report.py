"""What an audit export shows: built by the export service, drawn by the PDF/CSV renderers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cmelog.domain.model import Attestation, CycleWindow, Entry, Evaluation, Profile, Renewal


@dataclass(frozen=True)
class ReportCycle:
    label: str  # "current" | "previous"
    window: CycleWindow
    evaluation: Evaluation
    entries: tuple[Entry, ...]  # effective date inside the window, by date then id


@dataclass(frozen=True)
class OneTimeEvidence:
    requirement_id: str
    label: str
    applies: bool
    met: bool
    entries: tuple[Entry, ...]  # the entries that met it, whatever their date
    attestations: tuple[Attestation, ...]


@dataclass(frozen=True)
class AuditReport:
    profile: Profile
    board_name: str  # e.g. "Massachusetts Board of Registration in Medicine"
    as_of: date
    version: str  # cmelog version
    renewal: Renewal
    cycles: tuple[ReportCycle, ...]  # current first, then previous when there is one
    one_time: tuple[OneTimeEvidence, ...]
