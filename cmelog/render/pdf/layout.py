"""Generic page layout: text measuring and wrapping, fixed-column tables drawn in chunks and
the numbered page canvas (the page flow is `flow.py`). Nothing here knows about CME.

Long tables are the bulk of a large report. They are drawn by a small purpose-built flowable
rather than a ReportLab ``Table``: rows are laid out once (column widths are fixed, so a row's
height never depends on where it lands), split by walking row heights, and drawn row by row with
one text object per chunk. Rows are cut into chunks, each laid out only when it is first placed
and dropped once drawn, so that no flowable grows with the table and the memory held stays
bounded: rendering time is linear in the number of rows. Each page that a table continues onto
starts with the column header (and a caption naming the table).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import PATH_OPS, Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from cmelog.render.pdf.flow import Flowable
from cmelog.render.pdf.theme import (
    BODY_H,
    BODY_SIZE,
    FONT,
    FONT_BOLD,
    HEAD_BG,
    INK,
    LEADING,
    LIGHT_RULE,
    MARGIN_BOTTOM,
    MARGIN_X,
    MUTED,
    PAGE_W,
    REPLACEMENT,
    RULE,
    ZEBRA,
    register_fonts,
)
from cmelog.structs import Struct

PAD_X = 3.0
PAD_Y = 2.5
MIN_ROWS_BEFORE_BREAK = 3  # a table starting low on a page moves on rather than orphan
MAX_CELL_LINES = 30  # a pathological title is clipped so that a row always fits on a page
MAX_WRAP_CHARS = 6000  # more than MAX_CELL_LINES lines of the widest column can hold
MAX_PARA_CHARS = 1200  # same for text drawn as a Paragraph
FIRST_BASE = PAD_Y + BODY_SIZE * 0.82  # a table row's first baseline, below the row's top

# --- text helpers ---------------------------------------------------------------------------


class _Drawable(dict[int, str]):
    """A str.translate table: control characters become spaces, characters the embedded font
    cannot draw become REPLACEMENT (they are named on stderr by the export), the rest stay."""

    def __init__(self, covered: frozenset[int]) -> None:
        super().__init__()
        self.covered = covered

    def __missing__(self, code: int) -> str:
        if code < 32 or 127 <= code < 160:
            value = " "
        elif code in self.covered:
            value = chr(code)
        else:
            value = REPLACEMENT
        self[code] = value
        return value


_TABLE: _Drawable | None = None
_ASCII_DRAWABLE = False  # the fonts draw every printable ASCII character


def clean(text: str | None) -> str:
    """Printable text: control characters become spaces, undrawable characters REPLACEMENT."""
    global _TABLE, _ASCII_DRAWABLE
    if not text:
        return ""
    if _TABLE is None:
        covered = register_fonts()
        _TABLE = _Drawable(covered)
        _ASCII_DRAWABLE = covered.issuperset(range(32, 127))
    if _ASCII_DRAWABLE and text.isascii() and text.isprintable():
        return text  # what the table gives it (most of a logbook), without a lookup per character
    return text.translate(_TABLE)


def can_draw(ch: str) -> bool:
    return ord(ch) in register_fonts()


def escape(text: str) -> str:
    """`xml.sax.saxutils.escape`, without importing it (it imports urllib, http and ssl)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def para_text(text: str | None, limit: int = MAX_PARA_CHARS) -> str:
    """Escaped Paragraph markup for plain text, clipped to `limit` characters."""
    text_clean = " ".join(clean(text).split())
    if len(text_clean) > limit:
        text_clean = text_clean[: limit - 1] + "\u2026"
    return escape(text_clean)


class Measure:
    """String widths with a per-word cache, and greedy line wrapping."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, float], dict[str, float]] = {}
        self._width_of: dict[str, Callable[[str, float], float]] = {}

    def _measure(self, text: str, font: str, size: float) -> float:
        """ReportLab's own width (its C accelerator's, from the rl_accel package)."""
        width_of = self._width_of.get(font)
        if width_of is None:
            width_of = self._width_of[font] = getFont(font).stringWidth
        return float(width_of(text, size))

    def width(self, text: str, font: str, size: float) -> float:
        cache = self._cache.get((font, size))
        if cache is None:
            cache = self._cache[(font, size)] = {}
        w = cache.get(text)
        if w is None:
            w = cache[text] = self._measure(text, font, size)
        return w

    def wrap(self, text: str, font: str, size: float, width: float) -> list[str]:
        """Lines no wider than `width`; a word wider than that is broken (after - or /, else
        anywhere)."""
        words = text.split()
        if not words:
            return []
        cache = self._cache.get((font, size))
        if cache is None:
            cache = self._cache[(font, size)] = {}
        space = self.width(" ", font, size)
        lines: list[str] = []
        line: list[str] = []  # the words of the line being filled
        line_w = 0.0
        for word in words:
            w = cache.get(word)
            if w is None:
                w = cache[word] = self._measure(word, font, size)
            for piece, pw in (
                ((word, w),) if w <= width else self._break_word(word, font, size, width)
            ):
                if not line:
                    line.append(piece)
                    line_w = pw
                elif line_w + space + pw <= width:
                    line.append(piece)
                    line_w = line_w + space + pw
                else:
                    lines.append(" ".join(line))
                    line = [piece]
                    line_w = pw
        if line:
            lines.append(" ".join(line))
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


# --- tables: laid out once, drawn in chunks ---------------------------------------------------

# A drawn run of text lines in one cell sharing font, size and colour: x offset from the table's
# left edge, first baseline's offset below the row top, font, size, colour (index into _PALETTE),
# lines. Lines after the first step down by size * LEADING (the text object's leading), so a run
# costs one move. Pieces hold only numbers and strings, so the garbage collector stops tracking
# them: a 10,000-entry report keeps its collections cheap.
Piece = tuple[float, float, str, float, int, tuple[str, ...]]
_PALETTE: list[Any] = []
_PDF_ESCAPE = str.maketrans({"\\": "\\\\", "(": "\\(", ")": "\\)"})  # printable ASCII's escapes
_PALETTE_INDEX: dict[Any, int] = {}
_PALETTE_BY_ID: dict[int, tuple[int, Any]] = {}  # id -> (index, the colour, kept alive)


def _colour_index(colour: Any) -> int:
    hit = _PALETTE_BY_ID.get(id(colour))  # ReportLab's Color hashes in Python: slow
    if hit is not None:
        return hit[0]
    index = _PALETTE_INDEX.get(colour)
    if index is None:
        index = _PALETTE_INDEX[colour] = len(_PALETTE)
        _PALETTE.append(colour)
    _PALETTE_BY_ID[id(colour)] = (index, colour)
    return index


class Column(Struct, frozen=True):
    header: str
    width: float
    align: str  # "left" | "right" | "center"


# a cell's content: lines of (font, size, colour, text); one line per tuple
CellLine = tuple[str, float, Any, str]


class Row(Struct, frozen=True):
    height: float
    pieces: tuple[Piece, ...]
    shaded: bool
    entries: int  # entries this row stands for (0 for header and totals rows)
    total: bool = False


class RowBuilder:
    """Lays out cells into positioned text pieces for fixed columns."""

    def __init__(self, measure: Measure, columns: Sequence[Column]) -> None:
        self.m = measure
        self.columns = tuple(columns)
        xs: list[float] = []
        x = 0.0
        for col in self.columns:
            xs.append(x)
            x += col.width
        self.xs = tuple(xs)
        self.width = x
        # where a line starts: the left edge of a left-aligned column (None otherwise), the
        # right edge less padding of a right-aligned one
        self._left = tuple(
            self.xs[i] + PAD_X if c.align == "left" else None for i, c in enumerate(self.columns)
        )
        self._right = tuple(
            self.xs[i] + c.width - PAD_X if c.align == "right" else None
            for i, c in enumerate(self.columns)
        )
        # short cells (providers, topics, figures) recur row after row: laid out once, by
        # (column, text, font, size, id of the colour); the colour is held by the value, so
        # its id stays its own
        self._wrapped: dict[tuple[Any, ...], tuple[CellLine, ...]] = {}
        self._single: dict[tuple[Any, ...], tuple[CellLine, ...]] = {}

    @staticmethod
    def _remember(
        memo: dict[tuple[Any, ...], tuple[CellLine, ...]],
        key: tuple[Any, ...],
        value: tuple[CellLine, ...],
    ) -> None:
        if len(memo) > 10_000:  # ids and dates are unique: keep both memos bounded
            memo.clear()
        memo[key] = value

    def lines(
        self, col: int, text: str, font: str = FONT, size: float = BODY_SIZE, color: Any = INK
    ) -> tuple[CellLine, ...]:
        """`text` wrapped to column `col` (no more than MAX_CELL_LINES are ever drawn, so a
        huge text is cut before it is wrapped)."""
        key = (col, text, font, size, id(color))
        hit = self._wrapped.get(key)
        if hit is not None:
            return hit
        avail = self.columns[col].width - 2 * PAD_X
        if len(text) > MAX_WRAP_CHARS:
            text = text[:MAX_WRAP_CHARS]
        out = tuple([(font, size, color, ln) for ln in self.m.wrap(text, font, size, avail)])
        if len(text) <= 40 and out:
            self._remember(self._wrapped, key, out)
        return out

    def one(
        self, col: int, text: str, font: str = FONT, size: float = BODY_SIZE, color: Any = INK
    ) -> tuple[CellLine, ...]:
        """A one-line cell; a token wider than the column (a huge number) is set smaller."""
        key = (col, text, font, size, id(color))
        hit = self._single.get(key)
        if hit is not None:
            return hit
        avail = self.columns[col].width - 2 * PAD_X
        w = self.m.width(text, font, size)
        if w > avail:
            size = max(3.0, int(size * avail / w * 10) / 10)
        out = ((font, size, color, text),)
        if len(text) <= 40:
            self._remember(self._single, key, out)
        return out

    def place(self, i: int, cell: Sequence[CellLine]) -> Placed:
        """The pieces of one cell in column `i` (made by `lines` or `one`, so that its lines
        fit the column), and the lowest point of its text below the row's top. A cell is
        placed the same whatever the rest of its row holds: recurring cells can be placed
        once (sections.EntryRows)."""
        if not cell:
            return (), -1.0
        left = self._left[i]
        first_base = FIRST_BASE  # the first lines of all cells share a baseline
        if len(cell) == 1:  # most cells: one line, one piece
            font, size, color, text = cell[0]
            hit = _PALETTE_BY_ID.get(id(color))
            index = hit[0] if hit is not None else _colour_index(color)
            if left is None:
                w = self.m.width(text, font, size)
                right = self._right[i]
                if right is not None:
                    left = right - w
                else:
                    left = self.xs[i] + (self.columns[i].width - w) / 2
            return ((left, first_base, font, size, index, (text,)),), first_base + size * 0.3
        if len(cell) > MAX_CELL_LINES:
            font, size, color, _ = cell[MAX_CELL_LINES - 1]
            cell = [*cell[: MAX_CELL_LINES - 1], (font, size, color, "\u2026 (clipped)")]
        pieces: list[Piece] = []
        base = first_base
        size = BODY_SIZE
        if left is not None:
            # consecutive lines sharing font, size and colour make one run
            runs: list[tuple[str, float, Any, float, list[str]]] = []
            for k, (font, size, color, text) in enumerate(cell):
                if k:
                    base += size * LEADING
                last = runs[-1] if runs else None
                if last and last[0] == font and last[1] == size and last[2] is color:
                    last[4].append(text)
                else:
                    runs.append((font, size, color, base, [text]))
            for font, size, color, at, texts in runs:
                pieces.append((left, at, font, size, _colour_index(color), tuple(texts)))
        else:
            right = self._right[i]
            for k, (font, size, color, text) in enumerate(cell):
                if k:
                    base += size * LEADING
                w = self.m.width(text, font, size)
                if right is not None:
                    dx = right - w
                else:
                    dx = self.xs[i] + (self.columns[i].width - w) / 2
                pieces.append((dx, base, font, size, _colour_index(color), (text,)))
        return tuple(pieces), base + size * 0.3

    def row(
        self,
        cells: Sequence[Sequence[CellLine]],
        *,
        shaded: bool = False,
        entries: int = 0,
        total: bool = False,
        bottom_align: bool = False,
    ) -> Row:
        """Lay out one row. Cell lines must fit their column (made by `lines` or `one`);
        `bottom_align` sets each cell's last line on the row's lowest."""
        placed = [self.place(i, cell) for i, cell in enumerate(cells)]
        if not bottom_align:
            return assemble(placed, shaded=shaded, entries=entries, total=total)
        lowest = max((bottom for _, bottom in placed), default=-1.0)
        if lowest < 0:
            return assemble(placed, shaded=shaded, entries=entries, total=total)
        return assemble(
            [
                (
                    tuple(
                        (dx, dy + (lowest - bottom), font, size, col, lines)
                        for dx, dy, font, size, col, lines in pieces
                    ),
                    lowest,
                )
                for pieces, bottom in placed
            ],
            shaded=shaded,
            entries=entries,
            total=total,
        )


# a placed cell: its pieces and the lowest point of its text (-1 for an empty cell)
Placed = tuple[tuple[Piece, ...], float]


def assemble(
    placed: Sequence[Placed], *, shaded: bool = False, entries: int = 0, total: bool = False
) -> Row:
    """A row of placed cells, in column order: as tall as its lowest text."""
    pieces: list[Piece] = []
    lowest = -1.0
    for cell_pieces, bottom in placed:
        pieces += cell_pieces
        if bottom > lowest:
            lowest = bottom
    if lowest < 0:
        lowest = BODY_SIZE  # an empty row
    return Row(lowest + PAD_Y + 1.0, tuple(pieces), shaded, entries=entries, total=total)


class Progress:
    def __init__(self, callback: Callable[[int], None] | None) -> None:
        self.callback = callback
        self.done = 0

    def advance(self, n: int) -> None:
        if n <= 0:
            return
        self.done += n
        if self.callback is not None:
            self.callback(self.done)


class TableLook(Struct, frozen=True):
    """What every chunk of one cycle's entry table shares."""

    header: Row
    width: float
    col_xs: tuple[float, ...]
    caption_first: str
    caption_continued: str
    progress: Progress


CAPTION_SIZE = 9.0
CAPTION_H = 15.0


def _num(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


_NUMS: dict[float, str] = {}  # column edges and row offsets recur on every page


def _number(v: float) -> str:
    if len(_NUMS) > 50_000:
        _NUMS.clear()
    text = _NUMS[v] = _num(v)
    return text


class FastText(PDFTextObject):
    """A text object for long tables: positions formatted without ReportLab's pure-Python
    number formatting, and text in the embedded font's first subset encoded by one
    str.translate instead of ReportLab's per-character splitString and escapePDF (the bulk
    of a large report's drawing time otherwise)."""

    def setTextOrigin(self, x: float, y: float) -> None:  # noqa: N802 - ReportLab's name
        nx = _NUMS.get(x)
        if nx is None:
            nx = _number(x)
        ny = _NUMS.get(y)
        if ny is None:
            ny = _number(y)
        self._code.append(f"1 0 0 1 {nx} {ny} Tm")
        self._x0 = self._x = x
        self._y0 = self._y = y

    def _cache(self) -> dict[tuple[Any, ...], Any]:
        canv = self._canvas
        cache: dict[tuple[Any, ...], Any] | None = getattr(canv, "_cmelog_text", None)
        if cache is None:
            cache = {}
            canv._cmelog_text = cache
        return cache

    def setFillColor(self, aColor: Any, alpha: Any = None) -> None:  # noqa: N802, N803
        cache = self._cache()
        key = ("fill", id(aColor), alpha)
        hit = cache.get(key)
        if hit is None:
            start = len(self._code)
            super().setFillColor(aColor, alpha)
            cache[key] = (aColor, self._code[start:])  # the colour is kept: its id stays its own
        else:
            self._fillColorObj = aColor
            self._code.extend(hit[1])

    def _first_subset(self) -> _FirstSubset:
        canv = self._canvas
        tables: dict[str, _FirstSubset] | None = getattr(canv, "_cmelog_subsets", None)
        if tables is None:
            tables = canv._cmelog_subsets = {}
        table = tables.get(self._fontname)
        if table is None:
            table = tables[self._fontname] = _FirstSubset(self._fontname, canv._doc)
        return table

    def _formatText(self, text: str) -> str:  # noqa: N802 - ReportLab's name
        table = self._first_subset()
        if text and table.chars.issuperset(text):
            out = f"({text.translate(table.escaped)}) Tj"
            if getattr(self, "_curSubset", -1) != 0:
                self._curSubset = 0
                out = f"{table.select(self._fontsize, self._leading)} {out}"
            return out
        out = str(super()._formatText(text))  # assigns the new characters their codes
        table.update()
        return out


class _FirstSubset:
    """The characters of an embedded font that ReportLab has put in its first subset (the
    ASCII ones and the first others drawn) for one document, each with its escaped code: a
    text drawn only in them is encoded by one str.translate, exactly as ReportLab's
    `_formatText` (splitString, then escapePDF per subset) would encode it."""

    def __init__(self, fontname: str, doc: Any) -> None:
        self.font = getFont(fontname)
        self.doc = doc
        self.chars: set[str] = set()
        self.escaped: dict[int, str] = {}
        self._seen = -1
        self._select: dict[tuple[float, float], str] = {}
        # ReportLab's "asciiReadable" setup: known once the document has drawn in the font
        self.ascii_is_itself = False
        self.update()

    def update(self) -> None:
        state = self.font.state.get(self.doc)
        if state is None or len(state.assignments) == self._seen:
            return
        self._seen = len(state.assignments)
        for code, n in state.assignments.items():
            if n >> 8 == 0 and code not in self.escaped:
                self.escaped[code] = escapePDF(bytes((n,)))
                self.chars.add(chr(code))
        if 32 in self.escaped:  # ReportLab draws a no-break space as a space
            self.escaped[0xA0] = self.escaped[32]
            self.chars.add("\xa0")
        self.ascii_is_itself = all(
            self.escaped.get(code) == chr(code).translate(_PDF_ESCAPE) for code in range(32, 127)
        )

    def select(self, size: float, leading: float) -> str:
        """The operators that select the first subset at `size` with `leading`."""
        key = (size, leading)
        op = self._select.get(key)
        if op is None:
            name = self.font.getSubsetInternalName(0, self.doc)
            op = self._select[key] = f"{name} {fp_str(size)} Tf {fp_str(leading)} TL"
        return op


class ChunkedTable(Flowable):
    """A run of entry rows. Draws the column header when it is the first chunk of its table
    or starts at the top of a frame; a piece split off onto a new page always does."""

    def __init__(
        self,
        look: TableLook,
        rows: Sequence[Row] | Callable[[], Sequence[Row]],
        *,
        first: bool,
        continued: bool = False,
    ) -> None:
        super().__init__()
        self.look = look
        self._rows: tuple[Row, ...] | None = None
        self._make_rows: Callable[[], Sequence[Row]] | None = None
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
    def rows(self) -> tuple[Row, ...]:
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
        at_top = self.at_top if self.at_top is not None else avail_h >= BODY_H - 0.5
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
        head = ChunkedTable(self.look, self.rows[:n], first=self.first, continued=self.continued)
        tail = ChunkedTable(self.look, self.rows[n:], first=False, continued=True)
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
        rows: list[Row] = []
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
        t = FastText(c)
        code = t._code  # ReportLab's text object appends its operators here
        nums = _NUMS
        table: _FirstSubset | None = None
        chars: set[str] = set()
        escaped: dict[int, str] = {}
        ascii_as_is = False  # printable ASCII is coded as itself (table.ascii_is_itself)
        cur_font = ""
        cur_size = -1.0
        colour = -1
        fills: dict[int, list[str]] = {}  # palette index -> its fill colour operators
        y = body_top
        for row in rows + list(self.rows):
            if row.total:
                c.setStrokeColor(RULE)
                c.setLineWidth(0.8)
                c.line(0, y, look.width, y)
            for dx, dy, font, size, col, lines in row.pieces:
                if font is not cur_font or size != cur_size:
                    cur_font, cur_size = font, size
                    t.setFont(font, size, size * LEADING)
                    table = t._first_subset()
                    chars, escaped = table.chars, table.escaped
                    ascii_as_is = table.ascii_is_itself
                if col != colour:
                    colour = col
                    fill = fills.get(col)
                    if fill is None:
                        start = len(code)
                        t.setFillColor(_PALETTE[col])
                        fills[col] = code[start:]
                    else:
                        t._fillColorObj = _PALETTE[col]
                        code.extend(fill)
                # setTextOrigin and textLine, inline: the innermost loop of a large report
                nx = nums.get(dx)
                if nx is None:
                    nx = _number(dx)
                ny = nums.get(y - dy)
                if ny is None:
                    ny = _number(y - dy)
                code.append(f"1 0 0 1 {nx} {ny} Tm")
                for line in lines:
                    # Text in the first subset as it is: printable ASCII (most of a logbook,
                    # told in C without a lookup per character) or characters it was given.
                    if (
                        line
                        and t._curSubset == 0
                        and (
                            (ascii_as_is and line.isascii() and line.isprintable())
                            or chars.issuperset(line)
                        )
                    ):
                        if ascii_as_is and line.isascii():
                            if "(" in line or ")" in line or "\\" in line:
                                line = line.translate(_PDF_ESCAPE)
                        else:
                            line = line.translate(escaped)
                        code.append(f"({line}) Tj T*")
                    else:
                        code.append(f"{t._formatText(line)} T*")
                        if table is not None:
                            ascii_as_is = table.ascii_is_itself  # known once the font is used
            y -= row.height
        c.drawText(t)
        look.progress.advance(sum(r.entries for r in self.rows))
        self._rows = ()  # drawn: the laid-out rows are not needed again
        self._rows_h = 0.0


_FP: dict[tuple[float, ...], str] = {}


def _fp(*values: float) -> str:
    """ReportLab's `fp_str` (pure Python here), remembered: rules and row shading repeat the
    same coordinates on every page."""
    text = _FP.get(values)
    if text is None:
        if len(_FP) > 50_000:
            _FP.clear()
        text = _FP[values] = fp_str(*values)
    return text


HELD_TEXT = 8 << 20  # characters of page operators held uncompressed until save (~550 pages)


class NumberedCanvas(Canvas):
    """Keeps every page until save, then stamps the footer with "Page X of Y". Lines and
    rectangles are written as ReportLab writes them, their numbers formatted once."""

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self._code.append(f"n {_fp(x1, y1)} m {_fp(x2, y2)} l S")

    def rect(  # noqa: PLR0913 - ReportLab's signature
        self, x: float, y: float, width: float, height: float, stroke: int = 1, fill: int = 0
    ) -> None:
        self._code.append(
            f"n {_fp(x, y, width, height)} re " + PATH_OPS[stroke, fill, self._fillMode]
        )

    def __init__(self, *args: Any, footer_left: str, footer_mid: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._footer_left = footer_left
        self._footer_mid = footer_mid
        self._held_text = 0  # characters of the pages held as text

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        # A page's drawing operators are thousands of small strings: joined, they take about
        # 15 KB a page instead of a hundred; past HELD_TEXT (a 100k-entry report has ~7k
        # pages) they are held compressed, a few KB, at the cost of compressing and
        # decompressing each once more.
        state = dict(self.__dict__)
        text = "\n".join(self._code)
        if self._held_text + len(text) <= HELD_TEXT:
            self._held_text += len(text)
            state["_code"] = text
        else:
            state["_code"] = zlib.compress(text.encode("utf-8"), 1)
        self._pages.append(state)
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        # Page streams are zlib-compressed; ReportLab would also wrap them in ASCII85, which is
        # done in pure Python and costs about a third of the rendering time of a large report.
        use_a85 = rl_config.useA85
        rl_config.useA85 = 0
        try:
            pages = self._pages
            self._pages = []
            for number, state in enumerate(pages, start=1):
                self.__dict__.update(state)
                held = state["_code"]
                self._code = [held if isinstance(held, str) else zlib.decompress(held).decode()]
                pages[number - 1] = {}  # let the held copy go
                self._footer(number, total)
                super().showPage()
                _compress_last_page(self._doc)
            super().save()
        finally:
            rl_config.useA85 = use_a85

    def _footer(self, number: int, total: int) -> None:
        y = MARGIN_BOTTOM - 24
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, y + 10, PAGE_W - MARGIN_X, y + 10)
        # one text object, as drawString, drawCentredString and drawRightString would draw
        # three (the same text at the same places)
        t = FastText(self)
        t.setFillColor(MUTED)
        t.setFont(FONT, BODY_SIZE)
        t.setTextOrigin(MARGIN_X, y)
        t._textOut(self._footer_left)
        mid = self._footer_mid
        t.setTextOrigin(PAGE_W / 2 - stringWidth(mid, FONT, BODY_SIZE) / 2, y)
        t._textOut(mid)
        page = f"Page {number} of {total}"
        t.setFont(FONT_BOLD, BODY_SIZE)
        t.setTextOrigin(PAGE_W - MARGIN_X - stringWidth(page, FONT_BOLD, BODY_SIZE), y)
        t._textOut(page)
        self.drawText(t)
        self.restoreState()


def _compress_last_page(doc: Any) -> None:
    """Compress the page just added now, as ReportLab would when saving, so that the document
    does not hold every page's operators uncompressed until the end. At zlib's fastest level:
    about 2% of a 1,000-entry export less than ReportLab's default level, for a file about a
    tenth larger (and 4 MiB more held by an export of 100,000 entries, 140 MiB in all)."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFName, PDFStream

    page = doc.Pages.pages[-1]
    if not getattr(page, "compression", 0) or page.Contents or not page.stream:
        return
    stream = PDFStream()
    stream.content = zlib.compress(page.stream.encode("utf-8"), 1)
    stream.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
    stream.__Comment__ = "page stream"
    page.Contents = stream
    page.stream = None


def reproducible() -> bool:
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit()


@contextmanager
def valid_source_date_epoch() -> Iterator[None]:
    """ReportLab reads SOURCE_DATE_EPOCH itself and fails on a value that is not an integer;
    such a value is ignored (as the export bundle does) by hiding it while the PDF is built."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or not value.strip() or reproducible():
        yield
        return
    del os.environ["SOURCE_DATE_EPOCH"]
    try:
        yield
    finally:
        os.environ["SOURCE_DATE_EPOCH"] = value


def grid_style(extra: Sequence[tuple[Any, ...]] = ()) -> list[tuple[Any, ...]]:
    """The look of a small table with a dark header row (commands as `Table` takes them)."""
    return [
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
