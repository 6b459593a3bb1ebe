"""`status`: the JSON document of the contract and the dashboard."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from cmelog.domain.credits import credits_phrase, format_credits, short_credits
from cmelog.domain.model import Evaluation, RequirementResult
from cmelog.domain.status import MultiStatus, StatusReport
from cmelog.domain.textsafe import neutralise
from cmelog.render.banner import renewal_banner
from cmelog.render.page import Cell, Column, PlainPage, bar, wrap_plain


def _window(w: Any) -> dict[str, str] | None:
    return None if w is None else {"start": w.start.isoformat(), "end": w.end.isoformat()}


def status_json(rep: StatusReport) -> dict[str, Any]:
    from cmelog.render.jsonout import requirement_json  # json only for --json

    r = rep.renewal
    return {
        "as_of": r.as_of.isoformat(),
        "board": rep.profile.board,
        "renewal_date": r.renewal_date.isoformat(),
        "renewal_date_source": r.source,
        "application_mailing_date": r.application_mailing_date.isoformat(),
        "waiver_deadline": r.waiver_deadline.isoformat() if r.waiver_deadline else None,
        "days_until_renewal": r.days_until_renewal,
        "cycle": _window(r.current),
        "previous_cycle": _window(r.previous),
        "requirements": [
            requirement_json(x, explain=rep.explain) for x in rep.evaluation.requirements
        ],
        "complete": rep.evaluation.complete,
        "previous": _previous_json(rep),
        "next_steps": list(rep.steps),
    }


def held_json(rep: StatusReport) -> dict[str, Any]:
    """One element of `licenses` / `ledgers`: the document of one license, plus which it is."""
    doc = status_json(rep)
    if rep.ledger is not None:
        doc["ledger"] = {"kind": rep.ledger.kind, "name": rep.ledger.name}
    else:
        lic = rep.license
        doc["license"] = {
            "board": lic.board if lic else rep.profile.board,
            "number": lic.number if lic else rep.profile.license,
            "type": lic.type if lic else rep.profile.license_type,
        }
    return doc


def multi_status_json(ms: MultiStatus) -> dict[str, Any]:
    """`status --json`: the first license's document at the top level, and every license and
    ledger in `licenses` / `ledgers`; with --license, that one's element alone (cli.md 0.2)."""
    if ms.selected:
        return held_json(ms.reports[0])
    doc = status_json(ms.licenses[0])
    doc["licenses"] = [held_json(r) for r in ms.licenses]
    doc["ledgers"] = [held_json(r) for r in ms.ledgers]
    return doc


def subject(rep: StatusReport, several: bool) -> str:
    """Who renews, for the banner: 'your license renews', 'your NH license renews'."""
    if rep.ledger is not None:
        return f"your {rep.ledger.name} ledger's cycle ends"
    return f"your {rep.profile.board} license renews" if several else "your license renews"


def multi_status_text(ms: MultiStatus) -> None:
    """Each license's dashboard, the first one first, then each ledger's. Off a terminal (no
    colour) the text is written without Rich, laid out as Rich lays it out."""
    import sys

    explain = any(rep.explain for rep in ms.reports)
    page: Page = PlainPage() if not explain and not sys.stdout.isatty() else RichPage()
    several = len(ms.reports) > 1
    for rep in ms.reports:
        lines = renewal_banner(
            rep.renewal, rep.evaluation.requirements, subject=subject(rep, several)
        )
        if lines:
            for i, line in enumerate(lines):
                page.line([(line, "bold yellow" if i == 0 else None)])
            page.blank()
    for i, rep in enumerate(ms.reports):
        if i:
            page.blank()
            page.rule()
        status_text(rep, page)


class Page(Protocol):
    """Where a dashboard is written: plain text (render.page.PlainPage) or Rich (RichPage)."""

    def line(self, parts: Sequence[tuple[str, str | None]], style: str | None = None) -> None: ...
    def blank(self) -> None: ...
    def bullets(self, lines: Sequence[str]) -> None: ...
    def rule(self) -> None: ...
    def table(
        self, columns: Sequence[Column], rows: Sequence[Sequence[tuple[Cell, str | None]]]
    ) -> None: ...


class RichPage:
    """The dashboard through Rich: styles and colours on a terminal."""

    def __init__(self) -> None:
        from cmelog.render.text import console

        self.out = console()

    def line(self, parts: Sequence[tuple[str, str | None]], style: str | None = None) -> None:
        from rich.text import Text

        text = Text()
        for part, part_style in parts:
            text.append(part, style=part_style or "")
        self.out.print(text, style=style)

    def blank(self) -> None:
        self.out.print()

    def bullets(self, lines: Sequence[str]) -> None:
        _bullets(lines)

    def rule(self) -> None:
        self.out.rule(style="dim")

    def table(
        self, columns: Sequence[Column], rows: Sequence[Sequence[tuple[Cell, str | None]]]
    ) -> None:
        from cmelog.render.page import rich_table

        t = rich_table(columns, rows)
        self.out.print(t)


def _previous_json(rep: StatusReport) -> dict[str, Any] | None:
    """The previous cycle judged as of its own renewal date (spec/cli.md 0.2)."""
    from cmelog.render.jsonout import requirement_json

    ev = rep.previous
    if ev is None:
        return None
    return {
        "cycle": _window(ev.window),
        "requirements": [requirement_json(x, explain=rep.explain) for x in ev.requirements],
        "complete": ev.complete,
    }


def shortfalls(rep: StatusReport, ev: Evaluation) -> list[str]:
    """What a closed cycle lacked: '4 credits in total', 'training in child abuse reporting'."""
    out = []
    for r in ev.requirements:
        if not r.applies or r.met:
            continue
        rule = rep.rules.requirement(r.id)
        short = rule.short if rule is not None else r.label.lower()
        if r.required is None:
            out.append(f"training in {short}")
        elif rule is not None and rule.counts_all and rule.category:
            out.append(f"{credits_phrase(r.remaining or 0)} of Category {rule.category}")
        elif rule is not None and rule.counts_all:
            out.append(f"{credits_phrase(r.remaining or 0)} in total")
        else:
            out.append(f"{credits_phrase(r.remaining or 0)} of {short}")
    return out


def previous_summary(rep: StatusReport) -> tuple[str, list[str]] | None:
    """How the previous cycle closed, judged as of its own renewal date: a sentence, and what it
    lacked when it closed short."""
    ev = rep.previous
    if ev is None:
        return None
    span = f"{ev.window.start.isoformat()} to {ev.window.end.isoformat()}"
    total = next((r for r in ev.requirements if r.id == "total"), None)
    if total is not None and not total.met and not total.earned:
        return (
            f"Your previous cycle ({span}) has no activities recorded in cmelog; the audit "
            "record covers it too, so add what you completed then.",
            [],
        )
    if ev.complete:
        return f"Your previous cycle ({span}) was complete as of its renewal date.", []
    return f"Your previous cycle ({span}) closed short:", shortfalls(rep, ev)


def _days(n: int) -> str:
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    return f"in {n} days"


def status_text(rep: StatusReport, page: Page | None = None) -> None:
    page = page or RichPage()
    r = rep.renewal
    head: list[tuple[str, str | None]] = [(neutralise(rep.profile.name), "bold")]
    if rep.ledger is not None:
        head.append(
            (f"  {neutralise(rep.ledger.name)} ledger (kept apart from state credits)", None)
        )
    else:
        kind = "" if rep.profile.license_type == "full" else f" {rep.profile.license_type}"
        head.append(
            (f"  license {neutralise(rep.profile.license)} ({rep.rules.board}{kind})", None)
        )
    page.line(head)
    if rep.ledger is not None:
        page.line([(neutralise(rep.rules.name), None)])
    line: list[tuple[str, str | None]] = [
        ("Cycle ends " if rep.ledger is not None else "License renews ", None),
        (r.renewal_date.isoformat(), "bold"),
        (f" ({_days(r.days_until_renewal)})", None),
    ]
    if r.source == "estimated":
        line.append((" - estimated", "yellow"))
    page.line(line)
    if r.source == "estimated":
        how = (
            "`cmelog profile set --license-expires DATE`"
            if rep.license is None or rep.license.board == rep.profile.board and _is_first(rep)
            else f"`cmelog license set {rep.profile.board} --expires DATE`"
        )
        page.bullets(
            [
                "Estimated from your initial license date; enter the date printed on your "
                f"license with {how}."
            ]
        )
    off = _off_birthday(rep)
    if off:
        page.bullets([off])
    page.line(
        [
            (
                f"Cycle {r.current.start.isoformat()} to {r.current.end.isoformat()} "
                f"(as of {r.as_of.isoformat()})",
                None,
            )
        ]
    )
    waiver = (
        f"; waiver requests due by {r.waiver_deadline.isoformat()}"
        if r.waiver_deadline is not None
        else ""
    )
    if rep.ledger is None:
        page.line(
            [(f"Application mailed around {r.application_mailing_date.isoformat()}{waiver}.", None)]
        )
    summary = previous_summary(rep)
    if summary is not None:
        sentence, missing = summary
        page.line([(neutralise(sentence), None)], style="yellow" if missing else None)
        page.bullets(missing)
    page.blank()
    columns = (
        Column("Requirement", wrap=True),
        Column("Progress"),
        Column("Credits"),
        Column("Status"),
    )
    rows: list[list[tuple[Cell, str | None]]] = []
    scope = "cycle"
    # requirements of each renewal first, then those met once (a board's file may mix them)
    for req in sorted(rep.evaluation.requirements, key=lambda x: x.scope == "one-time"):
        if req.scope != scope:
            scope = req.scope
            rows.append(
                [(Cell(f"Once, by {r.renewal_date.isoformat()}:"), "italic")]
                + [(Cell(""), None)] * 3
            )
        progress, figures, state = _cells(rep, req)
        style = "green" if state == "met" else ("dim" if state == "n/a" else "red bold")
        # a one-time requirement is indented under "Once, by ...", its wrapped lines too
        indent = 2 if req.scope == "one-time" else 0
        rows.append(
            [
                (Cell(neutralise(req.label), indent), None),
                (Cell(progress), None),
                (Cell(figures), None),
                (Cell(state), style),
            ]
        )
    page.table(columns, rows)
    met_once = _met_once(rep)
    if met_once:
        page.blank()
        page.line([("One-time requirements met by:", None)])
        page.bullets(met_once)
    page.blank()
    complete = rep.evaluation.complete
    page.line(
        [
            (
                "All requirements are met." if complete else "Next steps:",
                "green bold" if complete else "bold",
            )
        ]
    )
    page.bullets(rep.steps)
    # notes of cycle requirements: caps and special rules (one-time ones are named above)
    notes = [n for req in rep.evaluation.requirements if req.scope == "cycle" for n in req.notes]
    if notes and not rep.explain:
        page.blank()
        page.line([("Caps and special rules applied (see `cmelog status --explain`):", None)])
        page.bullets(list(dict.fromkeys(notes)))
    if rep.explain:
        explain_text(rep)


def _is_first(rep: StatusReport) -> bool:
    lics = rep.profile.licenses
    return not lics or rep.license is None or rep.license == lics[0]


def _off_birthday(rep: StatusReport) -> str | None:
    """rules.md 0.2: a printed date off the birthday wins, and status says so."""
    from cmelog.domain.cycles import renewal_day

    p = rep.profile
    if rep.rules.renewal.anchor != "birthday" or rep.ledger is not None:
        return None
    if p.license_expires is None or renewal_day(p) == p.birthday:
        return None
    return (
        f"The expiration date printed on your license, {p.license_expires.isoformat()}, "
        f"differs from your birthday ({p.birthday.strftime('%m-%d')}); cmelog follows the "
        "printed date. If it was mistyped, correct it with "
        "`cmelog profile set --license-expires DATE`."
    )


def _cells(rep: StatusReport, r: RequirementResult) -> tuple[str, str, str]:
    """(progress, figures, state) of one requirement row."""
    if not r.applies:
        return ("", "does not apply", "n/a")
    state = "met" if r.met else "missing"
    if r.attested:
        dates = [
            a.date.isoformat()
            for m in r.met_by or ()
            if m.kind == "attestation" and (a := rep.met_attestations.get(m.id)) is not None
        ]
        when = f" ({dates[0]})" if dates else ""
        return (bar(1, 1), f"met by attestation{when}", state)
    if r.required is None:
        return ("", "training", state)
    earned = r.earned or 0
    figures = f"{short_credits(earned)}/{short_credits(r.required)}"
    if r.remaining:
        figures += f" ({short_credits(r.remaining)} to go)"
    elif r.met and earned < r.required:
        figures += " (met by rule)"  # e.g. residency within the year before renewal
    return (bar(r.required if r.met else earned, r.required), figures, state)


def _bullets(lines: Sequence[str]) -> None:
    """A list whose wrapped lines stay indented under their bullet: '  - ' then four spaces,
    wrapped by Rich's rules at the console's width (a grid table did this at ten times the
    cost, and padded every line with spaces)."""
    if not lines:
        return
    from rich.text import Text

    from cmelog.render.text import console

    out = console()
    width = max(out.width - 4, 1)
    text = "".join(
        ("  - " if i == 0 else "    ") + part + "\n"
        for line in lines
        for i, part in enumerate(wrap_plain(neutralise(line), width))
    )
    out.print(Text(text), end="", soft_wrap=True)


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
    from rich.table import Table
    from rich.text import Text

    from cmelog.render.text import _safe, console

    out = console()
    for req in rep.evaluation.requirements:
        out.print()
        req_rule = rep.rules.requirement(req.id)
        head = Text(req.label, style="bold")
        if req.attested:
            head.append(f"  {_cells(rep, req)[1]}")
        elif req.required is not None:
            head.append(
                f"  earned {format_credits(req.earned or 0)} of {format_credits(req.required)}"
            )
        head.append("" if req.attested else "  met" if req.met else "  not met")
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
