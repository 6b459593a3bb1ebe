"""The CSV of the contract, shared by `list --csv`, `audit-export --format csv` and `import`."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from typing import TextIO

from cmelog.domain.credits import format_credits
from cmelog.domain.model import Entry

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


def credits_text(hundredths: int) -> str:
    text = format_credits(hundredths)
    return text[:-3] if text.endswith(".00") else text.rstrip("0")


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
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow(entry_row(cycle_of(e), e))
