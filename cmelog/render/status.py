"""`status`: the JSON document of the contract and the dashboard."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from cmelog.domain.credits import format_credits
from cmelog.render.jsonout import requirement_json
from cmelog.render.text import _safe, console, requirement_cells
from cmelog.services.status import StatusReport


def _window(w: Any) -> dict[str, str] | None:
    return None if w is None else {"start": w.start.isoformat(), "end": w.end.isoformat()}


def status_json(rep: StatusReport) -> dict[str, Any]:
    r = rep.renewal
    return {
        "as_of": r.as_of.isoformat(),
        "board": rep.profile.board,
        "renewal_date": r.renewal_date.isoformat(),
        "renewal_date_source": r.source,
        "application_mailing_date": r.application_mailing_date.isoformat(),
        "waiver_deadline": r.waiver_deadline.isoformat(),
        "days_until_renewal": r.days_until_renewal,
        "cycle": _window(r.current),
        "previous_cycle": _window(r.previous),
        "requirements": [
            requirement_json(x, explain=rep.explain) for x in rep.evaluation.requirements
        ],
        "complete": rep.evaluation.complete,
        "next_steps": list(rep.steps),
    }


def _days(n: int) -> str:
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    return f"in {n} days"


def status_text(rep: StatusReport) -> None:
    out = console()
    r = rep.renewal
    head = Text(f"{rep.profile.name}", style="bold")
    head.append(f"  license {rep.profile.license} ({rep.rules.board})")
    out.print(head)
    line = Text("License renews ")
    line.append(r.renewal_date.isoformat(), style="bold")
    line.append(f" ({_days(r.days_until_renewal)})")
    if r.source == "estimated":
        line.append(" - estimated", style="yellow")
    out.print(line)
    if r.source == "estimated":
        _bullets(
            [
                "Estimated from your initial license date; enter the date printed on your "
                "license with `cmelog profile set --license-expires DATE`."
            ]
        )
    out.print(
        f"Cycle {r.current.start.isoformat()} to {r.current.end.isoformat()} "
        f"(as of {r.as_of.isoformat()})"
    )
    out.print(
        f"Application mailed around {r.application_mailing_date.isoformat()}; "
        f"waiver requests due by {r.waiver_deadline.isoformat()}."
    )
    out.print()
    t = Table(header_style="bold", show_edge=False, pad_edge=False, box=None)
    t.add_column("Requirement", overflow="fold", ratio=1)
    t.add_column("Progress", no_wrap=True)
    t.add_column("Credits", no_wrap=True)
    t.add_column("Status", no_wrap=True)
    scope = "cycle"
    for req in rep.evaluation.requirements:
        if req.scope != scope:
            scope = req.scope
            t.add_row(Text("Once, any date:", style="italic"), "", "", "")
        progress, figures, state = requirement_cells(req)
        style = "green" if state == "met" else ("dim" if state == "n/a" else "red bold")
        label = ("  " if req.scope == "one-time" else "") + req.label
        t.add_row(_safe(label), progress, figures, Text(state, style=style))
    out.print(t)
    met_once = _met_once(rep)
    if met_once:
        out.print()
        out.print("One-time requirements met by:")
        _bullets(met_once)
    out.print()
    complete = rep.evaluation.complete
    out.print(
        Text(
            "All requirements are met." if complete else "Next steps:",
            style="green bold" if complete else "bold",
        )
    )
    _bullets(rep.steps)
    # notes of cycle requirements: caps and special rules (one-time ones are named above)
    notes = [n for req in rep.evaluation.requirements if req.scope == "cycle" for n in req.notes]
    if notes and not rep.explain:
        out.print()
        out.print("Caps and special rules applied (see `cmelog status --explain`):")
        _bullets(list(dict.fromkeys(notes)))
    if rep.explain:
        explain_text(rep)


def _bullets(lines: Sequence[str]) -> None:
    """A list whose wrapped lines stay indented under their bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for line in lines:
        grid.add_row("  -", _safe(line))
    console().print(grid)


def _met_once(rep: StatusReport) -> list[str]:
    """'End-of-life care: entry 4 (2013-05-01, EOL module)' for each met one-time requirement."""
    lines = []
    for req in rep.evaluation.requirements:
        if req.scope != "one-time" or not req.applies or not req.met_by:
            continue
        what = []
        for m in req.met_by:
            e = rep.met_entries.get(m.id) if m.kind == "entry" else None
            a = rep.met_attestations.get(m.id) if m.kind == "attestation" else None
            if e is not None:
                what.append(f"entry {e.id} ({e.effective_date.isoformat()}, {e.title})")
            elif a is not None:
                what.append(f"attestation {a.id} ({a.date.isoformat()}, {a.how})")
            else:
                what.append(f"{m.kind} {m.id}")
        lines.append(f"{req.label}: {'; '.join(what)}")
    return lines


def explain_text(rep: StatusReport) -> None:
    out = console()
    for req in rep.evaluation.requirements:
        out.print()
        req_rule = rep.rules.requirement(req.id)
        head = Text(req.label, style="bold")
        if req.required is not None:
            head.append(
                f"  earned {format_credits(req.earned or 0)} of {format_credits(req.required)}"
            )
        head.append("  met" if req.met else "  not met")
        if not req.applies:
            head.append(" (does not apply)")
        out.print(head)
        rows: list[tuple[str, str, str]] = []
        if req_rule is not None:
            rows.append(("Rule:", "", f"{req_rule.text} [{req_rule.source}]"))
        if not req.contributions and not req.met_by:
            rows.append(("", "", "No entry counts toward it yet."))
        for c in req.contributions:
            e = rep.met_entries.get(c.entry_id)
            text = f"{e.effective_date.isoformat()} {e.title} ({c.note})" if e else c.note
            rows.append((f"entry {c.entry_id}", format_credits(c.credits), text))
        if req.met_by:
            rows.append(("Met by:", "", ", ".join(f"{m.kind} {m.id}" for m in req.met_by)))
        rows += [("Note:", "", n) for n in req.notes]
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)  # indent
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column(overflow="fold")
        for what, credits, text in rows:
            grid.add_row(" ", what, credits, _safe(text))
        out.print(grid)
