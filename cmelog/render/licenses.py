"""Output of `license list` and `ledger list`: JSON documents of the contract, a small table on a
terminal (fits 80 columns), one tab-separated line per item without a header off a terminal."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from cmelog.domain.model import Ledger, License
from cmelog.domain.textsafe import neutralise


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def license_json(lic: License) -> dict[str, Any]:
    return {
        "board": lic.board,
        "number": lic.number,
        "type": lic.type,
        "expires": _d(lic.expires),
        "issued": _d(lic.issued),
    }


def ledger_json(ledger: Ledger) -> dict[str, Any]:
    return {"kind": ledger.kind, "name": ledger.name, "start": ledger.start.isoformat()}


def _terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from rich.table import Table
    from rich.text import Text

    from cmelog.render.text import console

    out = console()
    t = Table(header_style="bold")
    for h in headers:
        t.add_column(h, overflow="fold")
    for row in rows:
        t.add_row(*(Text(cell) for cell in row))
    out.print(t)


def _lines(rows: Sequence[Sequence[str]]) -> None:
    for row in rows:
        sys.stdout.write("\t".join(cell.replace("\t", " ") for cell in row) + "\n")


def licenses_text(licenses: Sequence[License]) -> None:
    rows = [
        (
            lic.board,
            neutralise(lic.number),
            lic.type,
            _d(lic.expires) or "",
            _d(lic.issued) or "",
        )
        for lic in licenses
    ]
    if not _terminal():
        _lines(rows)
        return
    _table(("Board", "Number", "Type", "Expires", "Issued"), [
        (*r[:3], r[3] or "-", r[4] or "-") for r in rows
    ])  # fmt: skip


def ledgers_text(ledgers: Sequence[Ledger]) -> None:
    rows = [(x.kind, neutralise(x.name), x.start.isoformat()) for x in ledgers]
    if not _terminal():
        _lines(rows)
        return
    if not rows:
        sys.stdout.write(
            "No ledgers. Add one with `cmelog ledger add dea-mate --registered DATE` or "
            "`cmelog ledger add moc --board-name NAME --cycle-start DATE`.\n"
        )
        return
    _table(("Kind", "Name", "Start"), rows)
