"""The CSVs cmelog writes: the entry CSV of the contract (shared by `list --csv`,
`audit-export --format csv` and `import`), and the bundle's attestations and summary CSVs.

Every cell goes through csvsafe.escape_cell (a cell starting with = + - @ tab or CR gets a
leading '), so a spreadsheet never runs one as a formula. Credits and minutes are written like
the JSON numbers (1.5, 95). Files (not stdout) start with a UTF-8 BOM: see `BOM`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from typing import TextIO

from cmelog.domain.credits import short_credits
from cmelog.domain.csvsafe import escape_cell
from cmelog.domain.model import Attestation, Entry
from cmelog.domain.report import AuditReport, cycle_states

BOM = "\ufeff"  # Excel reads a CSV file as UTF-8 only when it starts with this

COLUMNS = (
    "cycle",
    "id",
    "date",
    "end_date",
    "title",
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
)

ATTESTATION_COLUMNS = ("id", "requirement", "date", "how", "certificate_sha256", "certificate_name")

SUMMARY_COLUMNS = (
    "cycle",
    "cycle_start",
    "cycle_end",
    "requirement",
    "label",
    "scope",
    "applies",
    "required",
    "earned",
    "remaining",
    "met",
    "met_by",
    "status",
)


def credits_text(hundredths: int) -> str:
    """Credits as the JSON number: 300 -> "3", 150 -> "1.5", 125 -> "1.25"."""
    return short_credits(hundredths)


def _writer(out: TextIO) -> Callable[[Sequence[str]], None]:
    writer = csv.writer(out, lineterminator="\r\n")

    def write(cells: Sequence[str]) -> None:
        writer.writerow([escape_cell(c) for c in cells])

    return write


def entry_row(cycle: str, e: Entry) -> list[str]:
    return [
        cycle,
        str(e.id),
        e.date.isoformat(),
        e.end_date.isoformat() if e.end_date else "",
        e.title,
        e.provider or "",
        str(e.category),
        credits_text(e.credits),
        e.minutes or "",
        e.kind,
        ";".join(sorted(e.topics)),
        e.format or "",
        e.url or "",
        e.certificate_sha256 or "",
        e.certificate_name or "",
        e.notes or "",
    ]


def write_csv(out: TextIO, entries: Iterable[Entry], cycle_of: Callable[[Entry], str]) -> None:
    """The entry CSV, header first (no BOM: a caller writing a file adds it)."""
    write = _writer(out)
    write(COLUMNS)
    for e in entries:
        write(entry_row(cycle_of(e), e))


def write_attestations(out: TextIO, attestations: Iterable[Attestation]) -> None:
    write = _writer(out)
    write(ATTESTATION_COLUMNS)
    for a in attestations:
        write(
            [
                str(a.id),
                a.requirement,
                a.date.isoformat(),
                a.how,
                a.certificate_sha256 or "",
                a.certificate_name or "",
            ]
        )


def _number(hundredths: int | None) -> str:
    return "" if hundredths is None else credits_text(hundredths)


def write_summary(out: TextIO, report: AuditReport) -> None:
    """One row per cycle and requirement: required, earned, remaining, met and what met it."""
    write = _writer(out)
    write(SUMMARY_COLUMNS)
    for cycle in report.cycles:
        for state in cycle_states(report, cycle):
            r = state.result
            write(
                [
                    cycle.label,
                    cycle.window.start.isoformat(),
                    cycle.window.end.isoformat(),
                    r.id,
                    r.label,
                    r.scope,
                    "yes" if r.applies else "no",
                    _number(r.required),
                    _number(r.earned),
                    _number(state.remaining),
                    "yes" if r.met else "no",
                    state.met_by_text,
                    state.text,
                ]
            )
