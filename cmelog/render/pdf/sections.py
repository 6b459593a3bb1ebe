"""The CME sections of the audit PDF: title block, one-glance charts, each cycle's summary and
entries, the one-time requirements and the closing attestation block."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from cmelog.domain.credits import format_credits
from cmelog.domain.model import Attestation, Entry, EntryOutcome
from cmelog.domain.report import (
    AuditReport,
    OneTimeEvidence,
    ReportCycle,
    RequirementState,
    cycle_states,
)
from cmelog.render.pdf.blocks import Paragraph, Table
from cmelog.render.pdf.flow import Flowable, KeepTogether, Spacer
from cmelog.render.pdf.layout import (
    CellLine,
    ChunkedTable,
    Column,
    Measure,
    Placed,
    Progress,
    Row,
    RowBuilder,
    TableLook,
    assemble,
    clean,
    grid_style,
    para_text,
)
from cmelog.render.pdf.theme import (
    BAD,
    BAD_HEX,
    BAR_BG,
    BAR_OK,
    BAR_SHORT,
    BODY_SIZE,
    BODY_W,
    FONT,
    FONT_BOLD,
    HEAD_FG,
    HEAD_SIZE,
    INK,
    MUTED,
    MUTED_HEX,
    OK,
    OK_HEX,
    RULE,
    SMALL_SIZE,
    STYLES,
    WARN,
    WARN_HEX,
    ZEBRA,
)

CHUNK_ROWS = 80  # entry rows per table flowable

TOPIC_LABELS = {
    "risk-management": "Risk management",
    "opioids-pain-management": "Opioids / pain mgmt",
    "implicit-bias": "Implicit bias",
    "end-of-life": "End-of-life care",
    "board-regulations": "Board regulations",
    "physician-wellness": "Physician wellness",
    "ehr": "EHR",
    "alzheimers-dementia": "Alzheimer's / dementia",
    "child-abuse-reporting": "Child abuse reporting",
    "domestic-sexual-violence": "Domestic / sexual violence",
}

NO_ACTIVITIES = "No activities recorded in cmelog for this cycle."


def p(markup: str, style: str = "small") -> Paragraph:
    return Paragraph(markup, STYLES[style])


def window_text(cycle_or_window: Any) -> str:
    w = getattr(cycle_or_window, "window", cycle_or_window)
    return f"{w.start.isoformat()} \u2013 {w.end.isoformat()}"


def cycle_title(cycle: ReportCycle) -> str:
    return f"{cycle.heading} {window_text(cycle)}"


def _colour_of(state: RequirementState) -> str:
    if state.status in ("met", "met by attestation"):
        return OK_HEX
    if state.status == "does not apply":
        return MUTED_HEX
    return BAD_HEX if state.status == "short" else WARN_HEX


def state_markup(state: RequirementState, limit: int = 160) -> str:
    return f'<font color="{_colour_of(state)}"><b>{para_text(state.text, limit)}</b></font>'


# --- title block ----------------------------------------------------------------------------


def title_block(report: AuditReport) -> list[Flowable]:
    profile = report.profile
    renewal = report.renewal
    out: list[Flowable] = [
        p("CME audit record", "title"),
        p(
            "Continuing medical education of a physician licensed by the "
            + para_text(report.board_name),
            "subtitle",
        ),
    ]
    renewal_cell: list[Flowable] = []
    if renewal.source == "estimated":
        renewal_cell.append(
            p(
                f"<b>{renewal.renewal_date.isoformat()}</b> "
                f'<font color="{WARN_HEX}"><b>(estimated)</b></font>',
                "value",
            )
        )
        renewal_cell.append(
            p(
                "Estimated from the initial license date. For exact cycles, enter the "
                "expiration date printed on the license: "
                "<b>cmelog profile set --license-expires YYYY-MM-DD</b>",
                "warn",
            )
        )
    else:
        renewal_cell.append(
            p(
                f"<b>{renewal.renewal_date.isoformat()}</b> "
                f'<font color="{MUTED_HEX}">(expiration date printed on the license)</font>',
                "value",
            )
        )
    previous = (
        window_text(renewal.previous)
        if renewal.previous is not None
        else f'<font color="{MUTED_HEX}">none: the current cycle is the first</font>'
    )
    current = next((c for c in report.cycles if c.label == "current"), None)
    rows: list[list[Any]] = [
        [p("Physician", "key"), p(f"<b>{para_text(profile.name)}</b>", "value")],
        [p("License number", "key"), p(para_text(profile.license), "value")],
        [p("Board", "key"), p(para_text(report.board_name), "value")],
        [p("Renewal date", "key"), renewal_cell],
        [p("Current cycle", "key"), p(window_text(renewal.current), "value")],
        [p("Previous cycle", "key"), p(previous, "value")],
    ]
    if current is not None:
        rows.append([p("Status", "key"), p(_status_markup(report, current), "value")])
    rows.append(
        [
            p("Prepared", "key"),
            p(
                f"as of {report.as_of.isoformat()} with cmelog {para_text(report.version)}",
                "value",
            ),
        ]
    )
    table = Table(
        rows,
        [96, BODY_W - 96],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, RULE),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
        ],
    )
    out.append(table)
    return out


def _status_markup(report: AuditReport, cycle: ReportCycle) -> str:
    states = [s for s in cycle_states(report, cycle) if s.result.applies]
    missing = [s for s in states if s.status not in ("met", "met by attestation")]
    if not missing:
        return (
            f'<font color="{OK_HEX}"><b>current cycle complete</b></font>: all '
            f"{len(states)} applicable requirements met"
        )
    names = ", ".join(para_text(s.result.label, 80) for s in missing)
    return (
        f'<font color="{BAD_HEX}"><b>{len(missing)} of {len(states)}</b></font> applicable '
        f"requirements not yet met in the current cycle: {names}"
    )


# --- the one-glance chart -------------------------------------------------------------------

CHART_ROW = 15.0
CHART_LABEL_W = 190.0
CHART_BAR_W = 190.0
CHART_BAR_H = 8.0


class _Pen:
    """The chart's drawing calls, in the chart's own coordinates."""

    def __init__(self, canv: Any) -> None:
        self.c = canv

    def text(
        self, x: float, y: float, text: str, font: str, size: float, colour: Any, *,
        right: bool = False,
    ) -> None:  # fmt: skip
        self.c.setFont(font, size)
        self.c.setFillColor(colour)
        if right:
            self.c.drawRightString(x, y, text)
        else:
            self.c.drawString(x, y, text)

    def bar(self, x: float, y: float, w: float, h: float, colour: Any) -> None:
        self.c.setFillColor(colour)
        self.c.rect(x, y, w, h, stroke=0, fill=1)

    def rule(self, x1: float, y1: float, x2: float, y2: float, colour: Any, width: float) -> None:
        self.c.setStrokeColor(colour)
        self.c.setLineWidth(width)
        self.c.line(x1, y1, x2, y2)


# one bar of the chart: label, status, status colour, "earned of required", earned share,
# training (a mark, not a bar), met
ChartRow = tuple[str, str, Any, str, float, bool, bool]
CHART_HEAD_H = 20.0


class Chart(Flowable):
    """A cycle's bars, one per applicable requirement. Split between bars across pages (a
    board with very many requirements), its title repeated with "(continued)"."""

    def __init__(self, title: str, rows: Sequence[ChartRow], empty: str | None) -> None:
        self.title = title
        self.rows = tuple(rows)
        self.empty = empty  # said instead of bars: no activities, or no requirement applies
        self.width = BODY_W
        lines = len(self.rows) + (1 if empty else 0)
        self.height = CHART_HEAD_H + CHART_ROW * max(1, lines) + 4

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        fit = int((avail_h - CHART_HEAD_H - 4 + 1e-6) // CHART_ROW)
        if fit < 2 or fit >= len(self.rows):
            return []
        rest = Chart(f"{self.title} (continued)", self.rows[fit:], None)
        return [Chart(self.title, self.rows[:fit], self.empty), rest]

    def draw(self) -> None:
        pen = _Pen(self.canv)
        top = self.height
        pen.text(0, top - 12, self.title, FONT_BOLD, 10, INK)
        pen.text(BODY_W, top - 12, "credits counted against credits required", FONT, 8, MUTED,
                 right=True)  # fmt: skip
        pen.rule(0, top - CHART_HEAD_H + 4, BODY_W, top - CHART_HEAD_H + 4, RULE, 0.6)
        y = top - CHART_HEAD_H - CHART_ROW + 4
        if self.empty:
            pen.text(0, y + 1, self.empty, FONT, 8, MUTED)
            y -= CHART_ROW
        bar_x = CHART_LABEL_W + 6
        text_x = bar_x + CHART_BAR_W + 8
        for label, status, colour, figures, share, training, met in self.rows:
            pen.text(0, y + 1, label, FONT, 8, INK)
            if training:
                pen.bar(bar_x, y, 7, CHART_BAR_H, BAR_OK if met else BAR_SHORT)
            else:
                pen.bar(bar_x, y, CHART_BAR_W, CHART_BAR_H, BAR_BG)
                if share > 0:
                    pen.bar(bar_x, y, CHART_BAR_W * share, CHART_BAR_H,
                            BAR_OK if met else BAR_SHORT)  # fmt: skip
                pen.text(text_x, y + 1, figures, FONT, 8, INK)
            pen.text(BODY_W, y + 1, status, FONT_BOLD, 8, colour, right=True)
            y -= CHART_ROW


def chart(m: Measure, report: AuditReport, cycle: ReportCycle) -> Chart:
    title = cycle_title(cycle)
    if cycle.closed and not cycle.recorded:
        return Chart(title, (), NO_ACTIVITIES)
    states = [s for s in cycle_states(report, cycle) if s.result.applies]
    rows: list[ChartRow] = []
    for s in states:
        r = s.result
        label = clean(r.label) + (" (one-time)" if r.scope == "one-time" else "")
        met = s.status in ("met", "met by attestation")
        if s.status == "met by attestation":
            status = "met by attestation"
        elif r.required is None and not met:
            status = "not met" if cycle.closed else "not recorded"
        else:
            status = s.text
        earned = r.earned or 0
        share = 0.0
        figures = ""
        if r.required is not None:
            share = 1.0 if met or r.required <= 0 else min(1.0, earned / r.required)
            figures = f"{format_credits(earned)} of {format_credits(r.required)}"
        rows.append(
            (
                m.fit(label, FONT, 8, CHART_LABEL_W),
                m.fit(clean(status), FONT_BOLD, 8, 120),
                OK if met else (BAD if s.status == "short" else WARN),
                figures, share, r.required is None, met,
            )
        )  # fmt: skip
    return Chart(title, rows, None if states else "No requirement applies.")


# --- per-cycle sections ---------------------------------------------------------------------

SUMMARY_WIDTHS = (196.0, 52.0, 52.0, 52.0, 188.0)
assert abs(sum(SUMMARY_WIDTHS) - BODY_W) < 0.01


def _summary_table(report: AuditReport, cycle: ReportCycle) -> Table:
    head = ["Requirement", "Scope", "Required", "Earned", "Status"]
    rows: list[list[Any]] = [[p(h, "thr" if i in (2, 3) else "th") for i, h in enumerate(head)]]
    for s in cycle_states(report, cycle):
        r = s.result
        label = f"<b>{para_text(r.label, 200)}</b>"
        scope = "one-time" if r.scope == "one-time" else "each cycle"
        if r.required is None:
            required, earned = "training", "\u2013"
        else:
            required = format_credits(r.required)
            earned = format_credits(r.earned or 0)
        rows.append(
            [
                p(label),
                p(scope),
                p(required, "right"),
                p(earned, "right"),
                p(state_markup(s, 300)),
            ]
        )
    return Table(
        rows,
        SUMMARY_WIDTHS,
        grid_style([("LEFTPADDING", (4, 0), (4, -1), 8)]),
        repeat_rows=1,
    )


def _subtotals(cycle: ReportCycle) -> Paragraph:
    parts = []
    for t in cycle.subtotals():
        noun = "entry" if t.entries == 1 else "entries"
        text = f"<b>Category {t.category}</b>: {format_credits(t.claimed)} credits claimed"
        if t.counted != t.claimed:
            text += f", {format_credits(t.counted)} counted"
        parts.append(f"{text} ({t.entries} {noun})")
    return p(" \u00b7 ".join(parts), "body")


def _caps_notes(cycle: ReportCycle) -> list[Flowable]:
    items: list[str] = []
    for r in cycle.evaluation.requirements:
        for note in r.notes:
            items.append(f"<b>{para_text(r.label, 200)}</b>: {para_text(note, 400)}")
    grouped: dict[str, list[int]] = {}
    noted = cycle.scan.noted  # the cycle's entries whose outcome carries notes
    for entry_id, outcome in sorted(cycle.evaluation.outcomes.items()):
        if entry_id not in noted:
            continue
        for note in outcome.notes:
            grouped.setdefault(note, []).append(entry_id)
    for note, ids in grouped.items():
        shown = ", ".join(f"#{i}" for i in ids[:25])
        more = f" and {len(ids) - 25} more" if len(ids) > 25 else ""
        noun = "entry" if len(ids) == 1 else "entries"
        items.append(
            f"<b>{len(ids)} {noun}</b> <font color='{MUTED_HEX}'>({shown}{more})</font>: "
            f"{para_text(note, 400)}"
        )
    if not items:
        return [p("No caps applied in this cycle.", "muted")]
    out: list[Flowable] = [p("Caps applied", "h2")]
    out += [Paragraph(text, STYLES["bullet"], "\u2022") for text in items]
    return out


def cycle_section(
    m: Measure, report: AuditReport, cycle: ReportCycle, progress: Progress
) -> list[Flowable]:
    title = p(para_text(cycle_title(cycle)), "h1")
    if cycle.closed and not cycle.recorded:
        return [title, p(NO_ACTIVITIES, "body")]
    head: list[Flowable] = [title]
    if cycle.closed:
        head.append(
            p(
                f"Judged as of its renewal date {cycle.window.end.isoformat()}: only evidence "
                "dated on or before that day counts.",
                "muted",
            )
        )
    head += [
        _subtotals(cycle),
        Spacer(1, 4),
        _summary_table(report, cycle),
        Spacer(1, 4),
        *_caps_notes(cycle),
        Spacer(1, 10),
    ]
    out: list[Flowable] = [KeepTogether(head)]
    if cycle.entries:
        out += _entry_table(m, cycle, progress)
    else:
        out.append(p("No entries recorded in this cycle.", "muted"))
    return out


# --- entry tables ---------------------------------------------------------------------------

ENTRY_COLUMNS: tuple[Column, ...] = (
    Column("#", 30, "right"),
    Column("Date", 58, "left"),
    Column("Title", 126, "left"),
    Column("Provider", 76, "left"),
    Column("Cat.", 24, "center"),
    Column("Claimed", 40, "right"),
    Column("Counted", 42, "right"),
    Column("Topics", 80, "left"),
    Column("Certificate", 64, "left"),
)
assert abs(sum(c.width for c in ENTRY_COLUMNS) - BODY_W) < 0.01


def certificate_label(sha256: str | None, name: str | None) -> str:
    """The certificate as a reader knows it: its original file name (else a hash prefix)."""
    if not sha256:
        return ""
    return name or f"SHA-256 {sha256[:12].lower()}"


def _entry_rows(
    rows: EntryRows, cycle: ReportCycle, start: int, stop: int, totals: Sequence[Row]
) -> list[Row]:
    """Laid-out rows for entries [start, stop) of the cycle, then the totals rows if given."""
    outcomes: dict[int, EntryOutcome] = cycle.evaluation.outcomes
    out = [
        rows.row(entry, outcomes.get(entry.id), shaded=(start + i) % 2 == 1)
        for i, entry in enumerate(cycle.entries[start:stop])
    ]
    out += totals
    return out


NO_CERTIFICATE: tuple[CellLine, ...] = ((FONT, SMALL_SIZE, MUTED, "none"),)
NO_PROVIDER: tuple[CellLine, ...] = ((FONT, BODY_SIZE, MUTED, "\u2013"),)


def _provider_cell(b: RowBuilder, provider: str | None) -> tuple[CellLine, ...]:
    return b.lines(3, clean(provider)) if provider else NO_PROVIDER


def _category_cell(b: RowBuilder, category: int) -> tuple[CellLine, ...]:
    return b.one(4, str(category))


def _claimed_cell(b: RowBuilder, credits: int) -> tuple[CellLine, ...]:
    return b.one(5, format_credits(credits))


def _counted_cell(b: RowBuilder, counted: int, capped: bool) -> tuple[CellLine, ...]:
    if capped:  # a cap counted less than claimed
        return b.one(6, format_credits(counted), FONT_BOLD, BODY_SIZE, WARN)
    return b.one(6, format_credits(counted))


def _topics_cell(b: RowBuilder, topics: tuple[str, ...]) -> tuple[CellLine, ...]:
    cell: tuple[CellLine, ...] = ()
    for slug in topics:
        cell += b.lines(7, TOPIC_LABELS.get(slug, clean(slug)), FONT, SMALL_SIZE)
    return cell


def _certificate_cell(b: RowBuilder, sha256: str | None, name: str | None) -> tuple[CellLine, ...]:
    return b.lines(8, clean(certificate_label(sha256, name))) if sha256 else NO_CERTIFICATE


class EntryRows:
    """Lays out the rows of one entry table. A row's provider, category, credits, topics and
    certificate recur from row to row: each distinct cell is laid out and placed once, keyed
    by the values it is made from (tests/test_pdf_flow.py holds a row laid out with the cells
    remembered to the same row laid out afresh)."""

    def __init__(self, b: RowBuilder) -> None:
        self.b = b
        self._placed: dict[tuple[Any, ...], Placed] = {}

    def _cell(self, col: int, make: Callable[..., tuple[CellLine, ...]], *args: Any) -> Placed:
        key = (col, *args)
        hit = self._placed.get(key)
        if hit is None:
            if len(self._placed) > 2_000:  # certificates are one per entry: keep it bounded
                self._placed.clear()
            hit = self._placed[key] = self.b.place(col, make(self.b, *args))
        return hit

    def row(self, entry: Entry, outcome: EntryOutcome | None, *, shaded: bool) -> Row:
        b = self.b
        dates: tuple[CellLine, ...] = ((FONT, BODY_SIZE, INK, entry.date.isoformat()),)
        if entry.end_date is not None and entry.end_date != entry.date:
            dates += ((FONT, BODY_SIZE, INK, f"to {entry.end_date.isoformat()}"),)
        title = b.lines(2, clean(entry.title))
        if entry.kind and entry.kind != "activity":
            title += b.lines(2, f"Kind: {clean(entry.kind)}", FONT, SMALL_SIZE, MUTED)
        if outcome is None:  # a plain activity: no cap touches it, it counts in full
            counted = self._cell(6, _counted_cell, entry.credits, False)
        else:
            for note in outcome.notes:
                title += b.lines(2, clean(note), FONT, SMALL_SIZE, WARN)
            capped = outcome.counted != entry.credits
            counted = self._cell(6, _counted_cell, outcome.counted, capped)
        return assemble(
            [
                b.place(0, b.one(0, str(entry.id), FONT, SMALL_SIZE, MUTED)),
                b.place(1, dates),
                b.place(2, title),
                self._cell(3, _provider_cell, entry.provider),
                self._cell(4, _category_cell, entry.category),
                self._cell(5, _claimed_cell, entry.credits),
                counted,
                self._cell(7, _topics_cell, entry.topics),
                self._cell(8, _certificate_cell, entry.certificate_sha256, entry.certificate_name),
            ],
            shaded=shaded,
            entries=1,
        )


def _totals_row(b: RowBuilder, label: str, claimed: int, counted: int, *, total: bool) -> Row:
    weight = FONT_BOLD if total else FONT
    return b.row(
        [
            [],
            [],
            b.lines(2, label, weight),
            [],
            [],
            b.one(5, format_credits(claimed), weight),
            b.one(6, format_credits(counted), weight),
            [],
            [],
        ],
        total=total,
    )


def _entry_table(m: Measure, cycle: ReportCycle, progress: Progress) -> list[Flowable]:
    b = RowBuilder(m, ENTRY_COLUMNS)
    header = b.row(
        [b.lines(i, c.header, FONT_BOLD, HEAD_SIZE, HEAD_FG) for i, c in enumerate(ENTRY_COLUMNS)],
        bottom_align=True,
    )
    n = len(cycle.entries)
    subtotals = cycle.subtotals()
    claimed = sum(t.claimed for t in subtotals)
    counted = sum(t.counted for t in subtotals)
    noun = "entry" if n == 1 else "entries"
    totals = [_totals_row(b, f"Totals ({n} {noun})", claimed, counted, total=True)]
    for t in subtotals:
        sub_noun = "entry" if t.entries == 1 else "entries"
        totals.append(
            _totals_row(
                b, f"Category {t.category} ({t.entries} {sub_noun})", t.claimed, t.counted,
                total=False,
            )
        )  # fmt: skip
    look = TableLook(
        header=header,
        width=b.width,
        col_xs=b.xs,
        caption_first=f"Entries ({n}): claimed {format_credits(claimed)}, "
        f"counted {format_credits(counted)} after caps",
        caption_continued=f"{cycle_title(cycle)}: entries (continued)",
        progress=progress,
    )
    # Rows are laid out when their chunk is first placed, and dropped once it is drawn: the
    # memory held (and the garbage collector's work) stays bounded by a few chunks.
    rows = EntryRows(b)
    return [
        ChunkedTable(
            look,
            partial(
                _entry_rows, rows, cycle, k, k + CHUNK_ROWS, totals if k + CHUNK_ROWS >= n else ()
            ),
            first=k == 0,
        )
        for k in range(0, n, CHUNK_ROWS)
    ]


# --- one-time requirements ------------------------------------------------------------------

ONE_TIME_WIDTHS = (130.0, 90.0, 56.0, 264.0)
assert abs(sum(ONE_TIME_WIDTHS) - BODY_W) < 0.01


def _evidence_of_entry(e: Entry) -> tuple[str, str]:
    when = e.date.isoformat()
    if e.end_date is not None and e.end_date != e.date:
        when += f"<br/>to {e.end_date.isoformat()}"
    text = f"<b>{para_text(e.title, 500)}</b>"
    if e.provider:
        text += f"<br/>{para_text(e.provider, 300)}"
    detail = f"entry #{e.id}, Category {e.category}, {format_credits(e.credits)} credits"
    if e.certificate_sha256:
        label = certificate_label(e.certificate_sha256, e.certificate_name)
        detail += f", certificate {para_text(label, 200)}"
    text += f"<br/><font color='{MUTED_HEX}'>{detail}</font>"
    return when, text


def _evidence_of_attestation(a: Attestation) -> tuple[str, str]:
    text = f"<b>Attestation</b>: {para_text(a.how, 600)}"
    if a.certificate_sha256:
        label = certificate_label(a.certificate_sha256, a.certificate_name)
        text += f"<br/><font color='{MUTED_HEX}'>certificate {para_text(label, 200)}</font>"
    return a.date.isoformat(), text


def one_time_section(report: AuditReport, items: Sequence[OneTimeEvidence]) -> list[Flowable]:
    current = next((c for c in report.cycles if c.label == "current"), None)
    states: dict[str, RequirementState] = {}
    if current is not None:
        states = {s.result.id: s for s in cycle_states(report, current)}
    out: list[Flowable] = [
        p("One-time requirements", "h1"),
        p(
            "Met once, by an entry or attestation dated on or before the renewal date; the "
            "evidence below may fall outside both cycles.",
            "muted",
        ),
        Spacer(1, 4),
    ]
    if not items:
        out.append(p("No one-time requirements.", "muted"))
        return out
    head = ["Requirement", "Status", "Date", "Evidence"]
    rows: list[list[Any]] = [[p(h, "th") for h in head]]
    styles: list[tuple[Any, ...]] = []
    for k, item in enumerate(items):
        evidence = [
            _evidence_of_entry(e)
            for e in sorted(item.entries, key=lambda e: (e.effective_date, e.id))
        ]
        evidence += [
            _evidence_of_attestation(a)
            for a in sorted(item.attestations, key=lambda a: (a.date, a.id))
        ]
        state = states.get(item.requirement_id)
        if state is not None:
            status = state_markup(
                state if state.status != "met by attestation" else _short_attested(state)
            )
        elif not item.applies:
            status = f'<font color="{MUTED_HEX}">does not apply</font>'
        else:
            status = "met" if item.met else "not met"
        if not evidence:
            if not item.applies:
                note = "Does not apply to this physician."
            elif item.met:
                note = "Met."
            elif state is not None and state.result.earned and state.result.required:
                r = state.result
                note = (
                    f"<font color='{BAD_HEX}'>Not met yet: {format_credits(r.earned or 0)} of "
                    f"{format_credits(r.required or 0)} credits recorded.</font>"
                )
            else:
                note = f"<font color='{BAD_HEX}'>No entry or attestation recorded yet.</font>"
            evidence.append(("\u2013", note))
        first_row = len(rows)
        for i, (when, text) in enumerate(evidence):
            rows.append(
                [
                    p(f"<b>{para_text(item.label, 200)}</b>") if i == 0 else "",
                    p(status) if i == 0 else "",
                    p(when),
                    p(text),
                ]
            )
        if k % 2 == 1:
            styles.append(("BACKGROUND", (0, first_row), (-1, len(rows) - 1), ZEBRA))
        styles.append(("LINEABOVE", (0, first_row), (-1, first_row), 0.6, RULE))
    out.append(Table(rows, ONE_TIME_WIDTHS, grid_style(styles), repeat_rows=1))
    return out


def _short_attested(state: RequirementState) -> RequirementState:
    """In the one-time table the attestation's date and how are in the evidence column."""
    from cmelog.structs import replace

    return replace(state, text="met by attestation")


# --- closing attestation block --------------------------------------------------------------


def attestation_block(report: AuditReport) -> list[Flowable]:
    profile = report.profile
    line = "_" * 48
    rows = [
        [p("Name", "key"), p(f"<b>{para_text(profile.name)}</b>", "value")],
        [
            p("License", "key"),
            p(f"{para_text(profile.license)} ({para_text(report.board_name)})", "value"),
        ],
        [p("Date", "key"), p(line, "value")],
        [p("Signature", "key"), p(line, "value")],
    ]
    table = Table(
        rows,
        [96, BODY_W - 96],
        [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 10),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ],
    )
    return [
        KeepTogether(
            [
                p("Physician's attestation", "h1"),
                p(
                    "I attest that the continuing medical education recorded in this document "
                    f"(prepared as of {report.as_of.isoformat()}) is true and complete to the best "
                    "of my knowledge.",
                    "body",
                ),
                Spacer(1, 6),
                table,
            ]
        )
    ]
