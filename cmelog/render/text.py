"""Human output with Rich: no colour when NO_COLOR is set or stdout is not a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cmelog.domain.credits import format_credits
from cmelog.domain.model import Attestation, Entry, Profile
from cmelog.domain.textsafe import neutralise
from cmelog.render.detail import EntryView, detail_rows


def console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    plain = bool(os.environ.get("NO_COLOR")) or not stream.isatty()
    out = Console(
        file=stream,
        no_color=plain,
        color_system=None if plain else "auto",
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )
    out.size = out.size  # asked once: Rich would ask the terminal again on every print
    return out


def _safe(text: str) -> Text:
    """Stored text for a terminal: never Rich markup, control characters replaced."""
    return Text(neutralise(text))


def entry_detail(
    e: EntryView, messages: Sequence[str] = (), certificate_path: Path | None = None
) -> None:
    out = console()
    for m in messages:
        out.print(_safe(m))
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    for label, value in detail_rows(e):
        t.add_row(label, _safe(value))
    out.print(t)
    if certificate_path is not None:  # whole, never cut: a path to copy or open
        out.print(Text(f"Certificate file: {certificate_path}"), soft_wrap=True)


def entry_table(entries: Sequence[Entry], cycle_of: dict[int, str] | None = None) -> None:
    out = console()
    if not entries:
        out.print("No entries match.")
        return
    t = Table(show_lines=False, header_style="bold", expand=False)
    t.add_column("ID", justify="right")
    t.add_column("Date", no_wrap=True)
    t.add_column("Title", overflow="fold", ratio=3)
    t.add_column("Provider", overflow="fold", ratio=2)
    t.add_column("Cat", justify="center")
    t.add_column("Credits", justify="right")
    t.add_column("Topics", overflow="fold", ratio=2)
    total = 0
    for e in entries:
        total += e.credits
        t.add_row(
            str(e.id),
            e.date.isoformat(),
            _safe(e.title),
            _safe(e.provider or ""),
            str(e.category),
            format_credits(e.credits),
            ", ".join(e.topics),
        )
    out.print(t)
    out.print(f"{len(entries)} entries, {format_credits(total)} credits claimed.")


def profile_text(p: Profile, renewal_line: str | None = None) -> None:
    out = console()
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column()
    t.add_row("Name", _safe(p.name))
    t.add_row("Birthday", p.birthday.isoformat())
    t.add_row("License", _safe(p.license))
    t.add_row("Board", p.board)
    t.add_row("License expires", p.license_expires.isoformat() if p.license_expires else "-")
    t.add_row("License issued", p.license_issued.isoformat() if p.license_issued else "-")
    t.add_row("Prescriber", "yes" if p.prescriber else "no")
    t.add_row("Adult patients", "yes" if p.adult_patients else "no")
    if renewal_line:
        t.add_row("Next renewal", renewal_line)
    out.print(t)


def attestations_table(items: Sequence[Attestation]) -> None:
    out = console()
    if not items:
        out.print("No attestations recorded.")
        return
    t = Table(header_style="bold")
    for c in ("ID", "Requirement", "Date", "How", "Certificate"):
        t.add_column(c, overflow="fold")
    for a in items:
        t.add_row(
            str(a.id),
            a.requirement,
            a.date.isoformat(),
            _safe(a.how),
            (a.certificate_sha256 or "")[:12],
        )
    out.print(t)


def _indented(out: Console, text: str, left: int) -> None:
    """Print plain text wrapped with a hanging indent of `left` columns."""
    from rich.padding import Padding

    out.print(Padding(_safe(text), (0, 0, 0, left), expand=False))
