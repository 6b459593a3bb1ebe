"""The audit-export PDF: the record a physician sends the Board when audited.

Layout, in order: a title block (physician, license, board, renewal date, both cycle windows,
version and as-of date), a one-glance chart per cycle, then per cycle the requirement summary, the
caps that applied and every entry, and last the one-time requirements with the evidence that met
them. Every page carries "Page X of Y" and "cmelog <version> - as of <date>".

Entry tables are the bulk of a large report. They are drawn by a small purpose-built flowable
rather than a ReportLab ``Table``: rows are laid out once (column widths are fixed, so a row's
height never depends on where it lands), split by walking row heights, and drawn row by row with
one text object per chunk. Entries are cut into chunks of ``CHUNK_ROWS`` rows, each laid out only
when it is first placed and dropped once drawn, so that no flowable grows with the cycle and the
memory held stays bounded: rendering time is linear in the number of entries. Each page that an
entry table continues onto starts with the column header (and a caption naming the cycle).

Bytes are deterministic when ``SOURCE_DATE_EPOCH`` is set: the document is built with
ReportLab's invariant mode (fixed document id) and ReportLab takes its timestamps from that
variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from cmelog.domain.credits import format_credits
from cmelog.domain.model import Entry, EntryOutcome, Evaluation
from cmelog.domain.report import AuditReport, OneTimeEvidence, ReportCycle

__all__ = ["render_pdf", "CHUNK_ROWS"]

# --- page geometry and look -----------------------------------------------------------------

PAGE_W, PAGE_H = letter
MARGIN_X = 36.0
MARGIN_TOP = 40.0
MARGIN_BOTTOM = 54.0
BODY_W = PAGE_W - 2 * MARGIN_X  # 540 points
BODY_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM

CHUNK_ROWS = 80  # entry rows per table flowable
MIN_ROWS_BEFORE_BREAK = 3  # an entry table starting low on a page moves on rather than orphan
MAX_CELL_LINES = 30  # a pathological title is clipped so that a row always fits on a page
MAX_WRAP_CHARS = 6000  # more than MAX_CELL_LINES lines of the widest column can hold
MAX_PARA_CHARS = 1200  # same for text drawn as a Paragraph

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
FONT_ITALIC = "Helvetica-Oblique"
FONT_MONO = "Courier"

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#616E7C")
RULE = colors.HexColor("#9AA5B1")
LIGHT_RULE = colors.HexColor("#D9E2EC")
HEAD_BG = colors.HexColor("#243B53")
HEAD_FG = colors.white
ZEBRA = colors.HexColor("#F0F4F8")
OK = colors.HexColor("#1E7B45")
BAD = colors.HexColor("#B42318")
WARN = colors.HexColor("#A15C07")
BAR_BG = colors.HexColor("#E4E7EB")
BAR_OK = colors.HexColor("#3F9A64")
BAR_SHORT = colors.HexColor("#E0882B")

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

# --- text helpers ---------------------------------------------------------------------------

_CONTROL = {c: " " for c in [*range(0, 32), *range(127, 160)]}


def _clean(text: str | None) -> str:
    """Printable text: control characters become spaces, lone surrogates become '?'."""
    if not text:
        return ""
    text = text.translate(_CONTROL)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _para_text(text: str | None, limit: int = MAX_PARA_CHARS) -> str:
    """Escaped Paragraph markup for plain text, clipped to `limit` characters."""
    clean = " ".join(_clean(text).split())
    if len(clean) > limit:
        clean = clean[: limit - 1] + "\u2026"
    return escape(clean)


def _window_text(start: date, end: date) -> str:
    return f"{start.isoformat()} \u2013 {end.isoformat()}"


def _cycle_title(cycle: ReportCycle) -> str:
    name = {"current": "Current cycle", "previous": "Previous cycle"}.get(
        cycle.label, f"{cycle.label.capitalize()} cycle"
    )
    return f"{name} {_window_text(cycle.window.start, cycle.window.end)}"


class _Measure:
    """String widths with a per-word cache, and greedy line wrapping."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, float], dict[str, float]] = {}

    def width(self, text: str, font: str, size: float) -> float:
        cache = self._cache.get((font, size))
        if cache is None:
            cache = self._cache[(font, size)] = {}
        w = cache.get(text)
        if w is None:
            w = cache[text] = stringWidth(text, font, size)
        return w

    def wrap(self, text: str, font: str, size: float, width: float) -> list[str]:
        """Lines no wider than `width`; a word wider than that is broken (after - or /, else
        anywhere)."""
        words = text.split()
        if not words:
            return []
        space = self.width(" ", font, size)
        lines: list[str] = []
        line = ""
        line_w = 0.0
        for word in words:
            w = self.width(word, font, size)
            pieces = self._break_word(word, font, size, width) if w > width else [(word, w)]
            for piece, pw in pieces:
                if not line:
                    line, line_w = piece, pw
                elif line_w + space + pw <= width:
                    line, line_w = f"{line} {piece}", line_w + space + pw
                else:
                    lines.append(line)
                    line, line_w = piece, pw
        if line:
            lines.append(line)
        return lines

    def _break_word(
        self, word: str, font: str, size: float, width: float
    ) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        current = ""
        for ch in word:
            candidate = current + ch
            if current and stringWidth(candidate, font, size) > width:
                # prefer to cut right after a hyphen or slash when one is near the end
                cut = max(current.rfind("-"), current.rfind("/"))
                if cut >= len(current) // 2 and cut < len(current) - 1:
                    head, current = current[: cut + 1], current[cut + 1 :] + ch
                else:
                    head, current = current, ch
                out.append((head, stringWidth(head, font, size)))
            else:
                current = candidate
        if current:
            out.append((current, stringWidth(current, font, size)))
        return out

    def fit(self, text: str, font: str, size: float, width: float) -> str:
        """`text` cut with an ellipsis so that it fits on one line of `width`."""
        if self.width(text, font, size) <= width:
            return text
        while text and stringWidth(text + "\u2026", font, size) > width:
            text = text[:-1]
        return text + "\u2026"


# --- entry tables: laid out once, drawn in chunks --------------------------------------------

PAD_X = 3.0
PAD_Y = 2.5
BODY_SIZE = 7.5
SMALL_SIZE = 6.5
LEADING = 1.2

# A drawn run of text lines in one cell sharing font, size and colour: x offset from the table's
# left edge, first baseline's offset below the row top, font, size, colour (index into _PALETTE),
# lines. Lines after the first step down by size * LEADING (the text object's leading), so a run
# costs one move. Pieces hold only numbers and strings, so the garbage collector stops tracking
# them: a 10,000-entry report keeps its collections cheap.
_Piece = tuple[float, float, str, float, int, tuple[str, ...]]
_PALETTE: list[Any] = []
_PALETTE_INDEX: dict[Any, int] = {}


def _colour_index(colour: Any) -> int:
    index = _PALETTE_INDEX.get(colour)
    if index is None:
        index = _PALETTE_INDEX[colour] = len(_PALETTE)
        _PALETTE.append(colour)
    return index


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    width: float
    align: str  # "left" | "right" | "center"


ENTRY_COLUMNS: tuple[_Column, ...] = (
    _Column("#", 26, "right"),
    _Column("Date", 54, "left"),
    _Column("Title", 148, "left"),
    _Column("Provider", 84, "left"),
    _Column("Cat.", 24, "center"),
    _Column("Claimed", 40, "right"),
    _Column("Counted", 40, "right"),
    _Column("Topics", 68, "left"),
    _Column("Certificate SHA-256", 56, "left"),
)
assert abs(sum(c.width for c in ENTRY_COLUMNS) - BODY_W) < 0.01

# a cell's content: lines of (font, size, colour, text); one line per tuple
_CellLine = tuple[str, float, Any, str]


@dataclass(frozen=True, slots=True)
class _Row:
    height: float
    pieces: tuple[_Piece, ...]
    shaded: bool
    entries: int  # entries this row stands for (0 for header and totals rows)
    total: bool = False


class _RowBuilder:
    """Lays out cells into positioned text pieces for fixed columns."""

    def __init__(self, measure: _Measure, columns: Sequence[_Column]) -> None:
        self.m = measure
        self.columns = tuple(columns)
        xs: list[float] = []
        x = 0.0
        for col in self.columns:
            xs.append(x)
            x += col.width
        self.xs = tuple(xs)
        self.width = x

    def lines(
        self, col: int, text: str, font: str = FONT, size: float = BODY_SIZE, color: Any = INK
    ) -> list[_CellLine]:
        """`text` wrapped to column `col` (no more than MAX_CELL_LINES are ever drawn, so a
        huge text is cut before it is wrapped)."""
        avail = self.columns[col].width - 2 * PAD_X
        if len(text) > MAX_WRAP_CHARS:
            text = text[:MAX_WRAP_CHARS]
        return [(font, size, color, ln) for ln in self.m.wrap(text, font, size, avail)]

    def one(
        self, col: int, text: str, font: str = FONT, size: float = BODY_SIZE, color: Any = INK
    ) -> list[_CellLine]:
        """A one-line cell; a token wider than the column (a huge number) is set smaller."""
        avail = self.columns[col].width - 2 * PAD_X
        w = self.m.width(text, font, size)
        if w > avail:
            size = max(3.0, int(size * avail / w * 10) / 10)
        return [(font, size, color, text)]

    def row(
        self,
        cells: Sequence[Sequence[_CellLine]],
        *,
        shaded: bool = False,
        entries: int = 0,
        total: bool = False,
        bottom_align: bool = False,
    ) -> _Row:
        """Lay out one row. Cell lines must fit their column (made by `lines` or `one`)."""
        runs: list[list[Any]] = []  # [dx, baseline, font, size, colour, [lines], cell index]
        cell_bottoms: dict[int, float] = {}
        for i, cell in enumerate(cells):
            if not cell:
                continue
            col = self.columns[i]
            cell_lines = list(cell)
            if len(cell_lines) > MAX_CELL_LINES:
                font, size, color, _ = cell_lines[MAX_CELL_LINES - 1]
                cell_lines = cell_lines[: MAX_CELL_LINES - 1] + [
                    (font, size, color, "\u2026 (clipped)")
                ]
            # the first lines of all cells share one baseline, whatever their size
            base = PAD_Y + BODY_SIZE * 0.82
            last: list[Any] | None = None
            size = BODY_SIZE
            for k, (font, size, color, text) in enumerate(cell_lines):
                if k:
                    base += size * LEADING
                if col.align == "left":
                    dx = self.xs[i] + PAD_X
                    if (
                        last is not None
                        and last[2] == font
                        and last[3] == size
                        and last[4] is color
                    ):
                        last[5].append(text)
                        continue
                else:
                    w = self.m.width(text, font, size)
                    if col.align == "right":
                        dx = self.xs[i] + col.width - PAD_X - w
                    else:
                        dx = self.xs[i] + (col.width - w) / 2
                last = [dx, base, font, size, color, [text], i]
                runs.append(last)
            cell_bottoms[i] = base + size * 0.3
        lowest = max(cell_bottoms.values(), default=BODY_SIZE)
        height = lowest + PAD_Y + 1.0
        if bottom_align:
            for run in runs:
                run[1] += lowest - cell_bottoms[run[6]]
        pieces = tuple((r[0], r[1], r[2], r[3], _colour_index(r[4]), tuple(r[5])) for r in runs)
        return _Row(height, pieces, shaded, entries=entries, total=total)


class _Progress:
    def __init__(self, callback: Callable[[int], None] | None) -> None:
        self.callback = callback
        self.done = 0

    def advance(self, n: int) -> None:
        if n <= 0:
            return
        self.done += n
        if self.callback is not None:
            self.callback(self.done)


@dataclass(frozen=True)
class _TableLook:
    """What every chunk of one cycle's entry table shares."""

    header: _Row
    width: float
    col_xs: tuple[float, ...]
    caption_first: str
    caption_continued: str
    progress: _Progress


CAPTION_SIZE = 9.0
CAPTION_H = 15.0


class _EntryChunk(Flowable):
    """A run of entry rows. Draws the column header when it is the first chunk of its table
    or starts at the top of a frame; a piece split off onto a new page always does."""

    def __init__(
        self,
        look: _TableLook,
        rows: Sequence[_Row] | Callable[[], Sequence[_Row]],
        *,
        first: bool,
        continued: bool = False,
    ) -> None:
        super().__init__()
        self.look = look
        self._rows: tuple[_Row, ...] | None = None
        self._make_rows: Callable[[], Sequence[_Row]] | None = None
        if callable(rows):
            self._make_rows = rows
        else:
            self._rows = tuple(rows)
        self._rows_h = -1.0
        self.first = first
        self.continued = continued  # the rest of a split chunk: goes to the top of a frame
        self._caption: str | None = None
        self._header = first or continued
        self._at_top = False
        self.width = look.width
        self.height = 0.0

    @property
    def rows(self) -> tuple[_Row, ...]:
        if self._rows is None:
            assert self._make_rows is not None
            self._rows = tuple(self._make_rows())
            self._make_rows = None
        return self._rows

    @property
    def rows_h(self) -> float:
        if self._rows_h < 0:
            self._rows_h = sum(r.height for r in self.rows)
        return self._rows_h

    def _decide(self, avail_h: float) -> None:
        frame = getattr(self, "_frame", None)
        at_top = bool(frame._atTop) if frame is not None else avail_h >= BODY_H - 0.5
        self._at_top = at_top
        if self.first:
            self._caption, self._header = self.look.caption_first, True
        elif self.continued or at_top:
            self._caption, self._header = self.look.caption_continued, True
        else:
            self._caption, self._header = None, False

    def _top_h(self) -> float:
        h = CAPTION_H if self._caption else 0.0
        return h + (self.look.header.height if self._header else 0.0)

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self._decide(avail_h)
        self.height = self._top_h() + self.rows_h
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        self._decide(avail_h)
        used = self._top_h()
        n = 0
        for row in self.rows:
            if used + row.height > avail_h + 1e-6:
                break
            used += row.height
            n += 1
        if n == 0 or (not self._at_top and n < min(MIN_ROWS_BEFORE_BREAK, len(self.rows))):
            return []  # start on the next page rather than leave a row or two behind
        if n == len(self.rows):
            return [self]
        head = _EntryChunk(self.look, self.rows[:n], first=self.first, continued=self.continued)
        tail = _EntryChunk(self.look, self.rows[n:], first=False, continued=True)
        return [head, tail]

    def draw(self) -> None:
        c = self.canv
        look = self.look
        y = self.height
        if self._caption:
            c.setFillColor(INK)
            c.setFont(FONT_BOLD, CAPTION_SIZE)
            c.drawString(0, y - CAPTION_SIZE - 2, self._caption)
            y -= CAPTION_H
        body_top = y
        rows: list[_Row] = []
        if self._header:
            c.setFillColor(HEAD_BG)
            c.rect(0, y - look.header.height, look.width, look.header.height, stroke=0, fill=1)
            rows.append(look.header)
            y -= look.header.height
        rows_top = y
        # backgrounds first
        c.setFillColor(ZEBRA)
        for row in self.rows:
            if row.shaded:
                c.rect(0, y - row.height, look.width, row.height, stroke=0, fill=1)
            y -= row.height
        bottom = y
        c.setLineWidth(0.4)
        c.setStrokeColor(LIGHT_RULE)
        for x in look.col_xs[1:]:
            c.line(x, rows_top, x, bottom)
        c.setStrokeColor(RULE)
        c.line(0, bottom, look.width, bottom)
        if not self._header:
            c.setStrokeColor(LIGHT_RULE)
            c.line(0, rows_top, look.width, rows_top)
        # Text last, in one text object, row by row (the reading order of text extraction);
        # font and colour operators only where they change.
        t = c.beginText()
        font_key: tuple[str, float] | None = None
        colour = -1
        y = body_top
        for row in rows + list(self.rows):
            if row.total:
                c.setStrokeColor(RULE)
                c.setLineWidth(0.8)
                c.line(0, y, look.width, y)
            for dx, dy, font, size, col, lines in row.pieces:
                if font_key is None or font_key[0] != font or font_key[1] != size:
                    font_key = (font, size)
                    t.setFont(font, size, size * LEADING)
                if col != colour:
                    colour = col
                    t.setFillColor(_PALETTE[col])
                t.setTextOrigin(dx, y - dy)
                for line in lines:
                    t.textLine(line)  # draws, then steps down by the leading; never measures
            y -= row.height
        c.drawText(t)
        look.progress.advance(sum(r.entries for r in self.rows))


def _entry_rows(
    b: _RowBuilder, cycle: ReportCycle, start: int, stop: int, totals: _Row | None
) -> list[_Row]:
    """Laid-out rows for entries [start, stop) of the cycle, then the totals row if given."""
    outcomes: dict[int, EntryOutcome] = cycle.evaluation.outcomes
    rows = [
        _entry_row(b, entry, outcomes.get(entry.id), shaded=(start + i) % 2 == 1)
        for i, entry in enumerate(cycle.entries[start:stop])
    ]
    if totals is not None:
        rows.append(totals)
    return rows


def _entry_row(b: _RowBuilder, entry: Entry, outcome: EntryOutcome | None, *, shaded: bool) -> _Row:
    dates: list[_CellLine] = [(FONT, BODY_SIZE, INK, entry.date.isoformat())]
    if entry.end_date is not None and entry.end_date != entry.date:
        dates.append((FONT, BODY_SIZE, INK, f"to {entry.end_date.isoformat()}"))

    title = b.lines(2, _clean(entry.title))
    if entry.kind and entry.kind != "activity":
        title += b.lines(2, f"Kind: {_clean(entry.kind)}", FONT, SMALL_SIZE, MUTED)
    capped = False
    if outcome is not None:
        capped = outcome.counted != entry.credits
        for note in outcome.notes:
            title += b.lines(2, _clean(note), FONT_ITALIC, SMALL_SIZE, WARN)

    provider = (
        b.lines(3, _clean(entry.provider))
        if entry.provider
        else [(FONT, BODY_SIZE, MUTED, "\u2013")]
    )
    if outcome is None:
        counted: list[_CellLine] = [(FONT, BODY_SIZE, MUTED, "\u2013")]
    else:
        counted = b.one(
            6,
            format_credits(outcome.counted),
            FONT_BOLD if capped else FONT,
            BODY_SIZE,
            WARN if capped else INK,
        )
    topics: list[_CellLine] = []
    for slug in entry.topics:
        topics += b.lines(7, TOPIC_LABELS.get(slug, _clean(slug)), FONT, SMALL_SIZE)
    cert: list[_CellLine] = (
        b.one(8, _clean(entry.certificate_sha256)[:12].lower(), FONT_MONO, 7.0)
        if entry.certificate_sha256
        else [(FONT, SMALL_SIZE, MUTED, "none")]
    )
    cells: list[list[_CellLine]] = [
        b.one(0, str(entry.id), FONT, SMALL_SIZE, MUTED),
        dates,
        title,
        provider,
        b.one(4, str(entry.category)),
        b.one(5, format_credits(entry.credits)),
        counted,
        topics,
        cert,
    ]
    return b.row(cells, shaded=shaded, entries=1)


def _entry_table(m: _Measure, cycle: ReportCycle, progress: _Progress) -> list[Flowable]:
    b = _RowBuilder(m, ENTRY_COLUMNS)
    header = b.row(
        [b.lines(i, c.header, FONT_BOLD, 7.0, HEAD_FG) for i, c in enumerate(ENTRY_COLUMNS)],
        bottom_align=True,
    )
    n = len(cycle.entries)
    claimed = sum(e.credits for e in cycle.entries)
    outcomes = cycle.evaluation.outcomes
    counted = sum(outcomes[e.id].counted for e in cycle.entries if e.id in outcomes)
    noun = "entry" if n == 1 else "entries"
    totals = b.row(
        [
            [],
            [],
            b.lines(2, f"Totals ({n} {noun})", FONT_BOLD),
            [],
            [],
            b.one(5, format_credits(claimed), FONT_BOLD),
            b.one(6, format_credits(counted), FONT_BOLD),
            [],
            [],
        ],
        total=True,
    )
    look = _TableLook(
        header=header,
        width=b.width,
        col_xs=b.xs,
        caption_first=f"Entries ({n}): claimed {format_credits(claimed)}, "
        f"counted {format_credits(counted)} after caps",
        caption_continued=f"{_cycle_title(cycle)}: entries (continued)",
        progress=progress,
    )
    # Rows are laid out when their chunk is first placed, and dropped once it is drawn: the
    # memory held (and the garbage collector's work) stays bounded by a few chunks.
    return [
        _EntryChunk(
            look,
            partial(
                _entry_rows, b, cycle, k, k + CHUNK_ROWS, totals if k + CHUNK_ROWS >= n else None
            ),
            first=k == 0,
        )
        for k in range(0, n, CHUNK_ROWS)
    ]


# --- paragraphs and small tables -------------------------------------------------------------

STYLES: dict[str, ParagraphStyle] = {
    "title": ParagraphStyle("title", fontName=FONT_BOLD, fontSize=17, leading=21, textColor=INK),
    "subtitle": ParagraphStyle(
        "subtitle", fontName=FONT, fontSize=10, leading=13, textColor=MUTED, spaceAfter=8
    ),
    "h1": ParagraphStyle(
        "h1",
        fontName=FONT_BOLD,
        fontSize=13,
        leading=16,
        textColor=INK,
        spaceBefore=4,
        spaceAfter=6,
    ),
    "h2": ParagraphStyle(
        "h2",
        fontName=FONT_BOLD,
        fontSize=10,
        leading=13,
        textColor=INK,
        spaceBefore=8,
        spaceAfter=4,
    ),
    "body": ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11, textColor=INK),
    "small": ParagraphStyle("small", fontName=FONT, fontSize=7.5, leading=9.5, textColor=INK),
    "muted": ParagraphStyle("muted", fontName=FONT, fontSize=7.5, leading=9.5, textColor=MUTED),
    "key": ParagraphStyle("key", fontName=FONT_BOLD, fontSize=8.5, leading=11, textColor=MUTED),
    "value": ParagraphStyle("value", fontName=FONT, fontSize=9.5, leading=12, textColor=INK),
    "warn": ParagraphStyle("warn", fontName=FONT, fontSize=8, leading=10, textColor=WARN),
    "th": ParagraphStyle("th", fontName=FONT_BOLD, fontSize=7.5, leading=9, textColor=HEAD_FG),
    "bullet": ParagraphStyle(
        "bullet",
        fontName=FONT,
        fontSize=8,
        leading=10,
        textColor=INK,
        leftIndent=10,
        bulletIndent=2,
    ),
}


def _p(markup: str, style: str = "small") -> Paragraph:
    return Paragraph(markup, STYLES[style])


def _met_markup(applies: bool, met: bool) -> str:
    if not applies:
        return '<font color="#616E7C">n/a</font>'
    if met:
        return '<font color="#1E7B45"><b>yes</b></font>'
    return '<font color="#B42318"><b>no</b></font>'


def _grid_style(extra: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    return TableStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, LIGHT_RULE),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            *extra,
        ]
    )


def _title_block(report: AuditReport) -> list[Flowable]:
    profile = report.profile
    renewal = report.renewal
    out: list[Flowable] = [
        _p("CME audit record", "title"),
        _p(
            "Continuing medical education of a physician licensed by the "
            + _para_text(report.board_name),
            "subtitle",
        ),
    ]
    renewal_cell: list[Flowable] = []
    if renewal.source == "estimated":
        renewal_cell.append(
            _p(
                f"<b>{renewal.renewal_date.isoformat()}</b> "
                '<font color="#A15C07"><b>(estimated)</b></font>',
                "value",
            )
        )
        renewal_cell.append(
            _p(
                "Estimated from the initial license date. For exact cycles, enter the "
                "expiration date printed on the license:<br/>"
                "<font face='Courier'>cmelog profile set --license-expires YYYY-MM-DD</font>",
                "warn",
            )
        )
    else:
        renewal_cell.append(
            _p(
                f"<b>{renewal.renewal_date.isoformat()}</b> "
                '<font color="#616E7C">(expiration date printed on the license)</font>',
                "value",
            )
        )
    previous = (
        _window_text(renewal.previous.start, renewal.previous.end)
        if renewal.previous is not None
        else '<font color="#616E7C">none: the current cycle is the first</font>'
    )
    current_eval = next((c.evaluation for c in report.cycles if c.label == "current"), None)
    rows: list[list[Any]] = [
        [_p("Physician", "key"), _p(f"<b>{_para_text(profile.name)}</b>", "value")],
        [_p("License number", "key"), _p(_para_text(profile.license), "value")],
        [_p("Board", "key"), _p(_para_text(report.board_name), "value")],
        [_p("Renewal date", "key"), renewal_cell],
        [
            _p("Current cycle", "key"),
            _p(_window_text(renewal.current.start, renewal.current.end), "value"),
        ],
        [_p("Previous cycle", "key"), _p(previous, "value")],
    ]
    if current_eval is not None:
        rows.append([_p("Status", "key"), _p(_status_markup(current_eval), "value")])
    rows.append(
        [
            _p("Prepared", "key"),
            _p(
                f"as of {report.as_of.isoformat()} with cmelog {_para_text(report.version)}",
                "value",
            ),
        ]
    )
    table = Table(rows, colWidths=[96, BODY_W - 96])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, RULE),
                ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
            ]
        )
    )
    out.append(table)
    return out


def _status_markup(evaluation: Evaluation) -> str:
    applicable = [r for r in evaluation.requirements if r.applies]
    missing = [r for r in applicable if not r.met]
    if not missing:
        return (
            '<font color="#1E7B45"><b>current cycle complete</b></font>: all '
            f"{len(applicable)} applicable requirements met"
        )
    names = ", ".join(_para_text(r.label, 80) for r in missing)
    return (
        f'<font color="#B42318"><b>{len(missing)} of {len(applicable)}</b></font> applicable '
        f"requirements not yet met in the current cycle: {names}"
    )


# --- the one-glance chart -------------------------------------------------------------------

CHART_ROW = 15.0
CHART_LABEL_W = 176.0
CHART_BAR_W = 220.0
CHART_BAR_H = 8.0


def _chart(m: _Measure, cycle: ReportCycle) -> Drawing:
    reqs = [r for r in cycle.evaluation.requirements if r.applies]
    head_h = 20.0
    height = head_h + CHART_ROW * max(1, len(reqs)) + 4
    d = Drawing(BODY_W, height)
    top = height
    d.add(String(0, top - 12, _cycle_title(cycle), fontName=FONT_BOLD, fontSize=10, fillColor=INK))
    legend = "bar: credits counted against credits required"
    d.add(
        String(
            BODY_W, top - 12, legend, fontName=FONT, fontSize=7, fillColor=MUTED, textAnchor="end"
        )
    )
    d.add(Line(0, top - head_h + 4, BODY_W, top - head_h + 4, strokeColor=RULE, strokeWidth=0.6))
    bar_x = CHART_LABEL_W + 6
    text_x = bar_x + CHART_BAR_W + 8
    y = top - head_h - CHART_ROW + 4
    if not reqs:
        d.add(
            String(0, y + 1, "No requirement applies.", fontName=FONT, fontSize=8, fillColor=MUTED)
        )
    for r in reqs:
        label = _clean(r.label) + (" (one-time)" if r.scope == "one-time" else "")
        label = m.fit(label, FONT, 8, CHART_LABEL_W)
        d.add(String(0, y + 1, label, fontName=FONT, fontSize=8, fillColor=INK))
        if r.required is None:
            text = "training completed" if r.met else "training not recorded"
            colour = OK if r.met else BAD
            d.add(
                Rect(
                    bar_x,
                    y,
                    7,
                    CHART_BAR_H,
                    fillColor=BAR_OK if r.met else BAR_SHORT,
                    strokeColor=None,
                )
            )
            d.add(
                String(bar_x + 11, y + 1, text, fontName=FONT_BOLD, fontSize=7.5, fillColor=colour)
            )
        else:
            earned = r.earned or 0
            share = 1.0 if r.required <= 0 else min(1.0, earned / r.required)
            d.add(Rect(bar_x, y, CHART_BAR_W, CHART_BAR_H, fillColor=BAR_BG, strokeColor=None))
            if share > 0:
                d.add(
                    Rect(
                        bar_x,
                        y,
                        CHART_BAR_W * share,
                        CHART_BAR_H,
                        fillColor=BAR_OK if r.met else BAR_SHORT,
                        strokeColor=None,
                    )
                )
            d.add(
                String(
                    text_x,
                    y + 1,
                    f"{format_credits(earned)} of {format_credits(r.required)}",
                    fontName=FONT,
                    fontSize=8,
                    fillColor=INK,
                )
            )
            if r.met:
                status, colour = "met", OK
            else:
                status, colour = f"{format_credits(r.remaining or 0)} to go", BAD
            d.add(
                String(
                    BODY_W,
                    y + 1,
                    status,
                    fontName=FONT_BOLD,
                    fontSize=8,
                    fillColor=colour,
                    textAnchor="end",
                )
            )
        y -= CHART_ROW
    return d


# --- per-cycle sections ---------------------------------------------------------------------

SUMMARY_WIDTHS = (214.0, 58.0, 62.0, 76.0, 70.0, 60.0)
assert abs(sum(SUMMARY_WIDTHS) - BODY_W) < 0.01


def _summary_table(evaluation: Evaluation) -> Table:
    head = ["Requirement", "Scope", "Required", "Earned (counted)", "Still needed", "Met"]
    th_right = ParagraphStyle("thr", parent=STYLES["th"], alignment=2)
    rows: list[list[Any]] = [
        [Paragraph(h, th_right if 2 <= i <= 4 else STYLES["th"]) for i, h in enumerate(head)]
    ]
    right = ParagraphStyle("r", parent=STYLES["small"], alignment=2)
    for r in evaluation.requirements:
        label = f"<b>{_para_text(r.label, 200)}</b>"
        if not r.applies:
            label += ' <font color="#616E7C">(does not apply)</font>'
        scope = "one-time" if r.scope == "one-time" else "each cycle"
        if r.required is None:
            required, earned, needed = "training", "\u2013", "\u2013"
        else:
            required = format_credits(r.required)
            earned = format_credits(r.earned or 0)
            needed = format_credits(r.remaining or 0) if r.applies else "\u2013"
        rows.append(
            [
                _p(label),
                _p(scope),
                Paragraph(required, right),
                Paragraph(earned, right),
                Paragraph(needed, right),
                _p(_met_markup(r.applies, r.met)),
            ]
        )
    table = Table(rows, colWidths=list(SUMMARY_WIDTHS), repeatRows=1)
    table.setStyle(_grid_style([("LEFTPADDING", (5, 0), (5, -1), 10)]))
    return table


def _caps_notes(cycle: ReportCycle) -> list[Flowable]:
    items: list[str] = []
    for r in cycle.evaluation.requirements:
        for note in r.notes:
            items.append(f"<b>{_para_text(r.label, 200)}</b>: {_para_text(note, 400)}")
    grouped: dict[str, list[int]] = {}
    in_cycle = {e.id for e in cycle.entries}
    for entry_id, outcome in sorted(cycle.evaluation.outcomes.items()):
        if entry_id not in in_cycle:
            continue
        for note in outcome.notes:
            grouped.setdefault(note, []).append(entry_id)
    for note, ids in grouped.items():
        shown = ", ".join(f"#{i}" for i in ids[:25])
        more = f" and {len(ids) - 25} more" if len(ids) > 25 else ""
        noun = "entry" if len(ids) == 1 else "entries"
        items.append(
            f"<b>{len(ids)} {noun}</b> <font color='#616E7C'>({shown}{more})</font>: "
            f"{_para_text(note, 400)}"
        )
    if not items:
        return [_p("No caps applied in this cycle.", "muted")]
    out: list[Flowable] = [_p("Caps applied", "h2")]
    out += [Paragraph(text, STYLES["bullet"], bulletText="\u2022") for text in items]
    return out


def _cycle_section(m: _Measure, cycle: ReportCycle, progress: _Progress) -> list[Flowable]:
    head: list[Flowable] = [
        _p(_para_text(_cycle_title(cycle)), "h1"),
        _summary_table(cycle.evaluation),
        Spacer(1, 4),
        *_caps_notes(cycle),
        Spacer(1, 10),
    ]
    out: list[Flowable] = [KeepTogether(head)]
    if cycle.entries:
        out += _entry_table(m, cycle, progress)
    else:
        out.append(_p("No entries recorded in this cycle.", "muted"))
    return out


# --- one-time requirements ------------------------------------------------------------------

ONE_TIME_WIDTHS = (140.0, 40.0, 56.0, 304.0)
assert abs(sum(ONE_TIME_WIDTHS) - BODY_W) < 0.01


def _one_time_section(items: Sequence[OneTimeEvidence]) -> list[Flowable]:
    out: list[Flowable] = [
        _p("One-time requirements", "h1"),
        _p(
            "Met once, by an entry or attestation of any date; the evidence below may fall "
            "outside both cycles.",
            "muted",
        ),
        Spacer(1, 4),
    ]
    if not items:
        out.append(_p("No one-time requirements.", "muted"))
        return out
    head = ["Requirement", "Met", "Date", "Evidence"]
    rows: list[list[Any]] = [[_p(h, "th") for h in head]]
    styles: list[tuple[Any, ...]] = []
    for k, item in enumerate(items):
        evidence: list[tuple[str, str]] = []
        for e in sorted(item.entries, key=lambda e: (e.effective_date, e.id)):
            when = e.date.isoformat()
            if e.end_date is not None and e.end_date != e.date:
                when += f"<br/>to {e.end_date.isoformat()}"
            text = f"<b>{_para_text(e.title, 500)}</b>"
            if e.provider:
                text += f"<br/>{_para_text(e.provider, 300)}"
            detail = f"entry #{e.id}, Category {e.category}, {format_credits(e.credits)} credits"
            if e.certificate_sha256:
                detail += f", certificate {_para_text(e.certificate_sha256[:12])}"
            text += f"<br/><font color='#616E7C'>{detail}</font>"
            evidence.append((when, text))
        for a in sorted(item.attestations, key=lambda a: (a.date, a.id)):
            text = f"<b>Attestation</b>: {_para_text(a.how, 600)}"
            if a.certificate_sha256:
                text += (
                    f"<br/><font color='#616E7C'>certificate "
                    f"{_para_text(a.certificate_sha256[:12])}</font>"
                )
            evidence.append((a.date.isoformat(), text))
        if not evidence:
            if not item.applies:
                note = "Does not apply to this physician."
            elif item.met:
                note = "Met."
            else:
                note = "<font color='#B42318'>No entry or attestation recorded yet.</font>"
            evidence.append(("\u2013", note))
        first_row = len(rows)
        for i, (when, text) in enumerate(evidence):
            rows.append(
                [
                    _p(f"<b>{_para_text(item.label, 200)}</b>") if i == 0 else "",
                    _p(_met_markup(item.applies, item.met)) if i == 0 else "",
                    _p(when),
                    _p(text),
                ]
            )
        if k % 2 == 1:
            styles.append(("BACKGROUND", (0, first_row), (-1, len(rows) - 1), ZEBRA))
        styles.append(("LINEABOVE", (0, first_row), (-1, first_row), 0.6, RULE))
    table = Table(rows, colWidths=list(ONE_TIME_WIDTHS), repeatRows=1)
    table.setStyle(_grid_style(styles))
    out.append(table)
    return out


# --- page furniture -------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Keeps every page until save, then stamps the footer with "Page X of Y"."""

    def __init__(self, *args: Any, footer_left: str, footer_mid: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._footer_left = footer_left
        self._footer_mid = footer_mid

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        # Page streams are zlib-compressed; ReportLab would also wrap them in ASCII85, which is
        # done in pure Python and costs about a third of the rendering time of a large report.
        use_a85 = rl_config.useA85
        rl_config.useA85 = 0
        try:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()
        finally:
            rl_config.useA85 = use_a85

    def _footer(self, number: int, total: int) -> None:
        y = MARGIN_BOTTOM - 24
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, y + 10, PAGE_W - MARGIN_X, y + 10)
        self.setFillColor(MUTED)
        self.setFont(FONT, 7.5)
        self.drawString(MARGIN_X, y, self._footer_left)
        self.drawCentredString(PAGE_W / 2, y, self._footer_mid)
        self.setFont(FONT_BOLD, 7.5)
        self.drawRightString(PAGE_W - MARGIN_X, y, f"Page {number} of {total}")
        self.restoreState()


def _reproducible() -> bool:
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit()


@contextmanager
def _valid_source_date_epoch() -> Iterator[None]:
    """ReportLab reads SOURCE_DATE_EPOCH itself and fails on a value that is not an integer;
    such a value is ignored (as the export bundle does) by hiding it while the PDF is built."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or not value.strip() or _reproducible():
        yield
        return
    del os.environ["SOURCE_DATE_EPOCH"]
    try:
        yield
    finally:
        os.environ["SOURCE_DATE_EPOCH"] = value


# --- entry point ----------------------------------------------------------------------------


def render_pdf(
    report: AuditReport, out: BinaryIO, *, progress: Callable[[int], None] | None = None
) -> None:
    """Write the audit record of `report` as a PDF to `out`.

    `progress`, when given, is called now and then with the number of entries laid out so far
    (last with the total of all cycles' entries).
    """
    m = _Measure()
    tracker = _Progress(progress)
    profile = report.profile
    name = _clean(profile.name)
    license_no = _clean(profile.license)
    version = _clean(report.version)
    as_of = report.as_of.isoformat()

    story: list[Flowable] = _title_block(report)
    if report.cycles:
        story += [Spacer(1, 14), _p("At a glance", "h1")]
        for cycle in report.cycles:
            story += [_chart(m, cycle), Spacer(1, 10)]
    for i, cycle in enumerate(report.cycles):
        story.append(PageBreak() if i > 0 else CondPageBreak(260))
        story += _cycle_section(m, cycle, tracker)
    story += [CondPageBreak(200), Spacer(1, 12), *_one_time_section(report.one_time)]

    windows = "; ".join(
        f"{c.label} cycle {_window_text(c.window.start, c.window.end)}" for c in report.cycles
    )
    doc = BaseDocTemplate(
        out,
        pagesize=letter,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"CME audit record: {name}, license {license_no}",
        author=name,
        subject=f"Continuing medical education record for the {_clean(report.board_name)}, "
        f"as of {as_of} ({windows})",
        creator=f"cmelog {version}",
        keywords=["CME", "audit", license_no],
        invariant=1 if _reproducible() else None,
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        BODY_W,
        BODY_H,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    maker = partial(
        _NumberedCanvas,
        footer_left=m.fit(f"{name} \u2013 license {license_no}", FONT, 7.5, 190),
        footer_mid=f"cmelog {version} - as of {as_of}",
    )
    with _valid_source_date_epoch():
        doc.build(story, canvasmaker=maker)
    total = sum(len(c.entries) for c in report.cycles)
    if progress is not None and tracker.done != total:
        progress(total)
