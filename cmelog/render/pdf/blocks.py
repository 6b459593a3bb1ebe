"""Text blocks for the page-flow engine (`flow.py`): paragraphs with a little inline markup and
small tables of them. Nothing here knows about CME.

Paragraph markup is the subset the audit PDF writes: ``<b>``, ``<font color="#RRGGBB">``,
``<br/>`` and the entities ``&amp; &lt; &gt; &quot; &#39;``. Text is wrapped greedily at spaces
(a word wider than the line is cut), with the widths ReportLab draws with; the first baseline
sits one font size below the top and lines step down by the style's leading, as in ReportLab.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reportlab.lib.colors import HexColor

from cmelog.render.pdf.flow import Flowable
from cmelog.render.pdf.layout import FastText, Measure
from cmelog.render.pdf.theme import FONT, FONT_BOLD

_TAG = re.compile(r"<(/?)(b|font|br)\b([^>]*?)/?>")
_COLOUR = re.compile(r"""color\s*=\s*["']?(#[0-9A-Fa-f]{6})""")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}
_ENTITY = re.compile("|".join(_ENTITIES))
_COLOURS: dict[str, Any] = {}

# (text, font, colour) of a piece of one word; a word is a tuple of pieces drawn touching
Frag = tuple[str, str, Any]
Word = tuple[Frag, ...]
BREAK: Word = ()  # a forced line break (<br/>)

_MEASURE: list[Measure] = []


def measure() -> Measure:
    """One shared cache of word widths (renewed when it grows large)."""
    if not _MEASURE or sum(len(c) for c in _MEASURE[0]._cache.values()) > 50_000:
        _MEASURE[:] = [Measure()]
    return _MEASURE[0]


def _colour(hex_text: str) -> Any:
    c = _COLOURS.get(hex_text)
    if c is None:
        c = _COLOURS[hex_text] = HexColor(hex_text)
    return c


def parse(markup: str, font: str, colour: Any) -> list[Word]:
    """The words of `markup`, each as pieces of (text, font, colour); BREAK where <br/> is."""
    words: list[Word] = []
    current: list[Frag] = []
    bold = 0
    colours = [colour]

    def add_text(text: str) -> None:
        nonlocal current
        text = _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], text)
        f = FONT_BOLD if bold and font == FONT else font
        parts = text.split()
        if not parts:
            if text and current:  # whitespace ends the word in progress
                words.append(tuple(current))
                current = []
            return
        starts_with_space = text[:1].isspace()
        ends_with_space = text[-1:].isspace()
        for k, part in enumerate(parts):
            if (k > 0 or starts_with_space) and current:
                words.append(tuple(current))
                current = []
            current.append((part, f, colours[-1]))
        if ends_with_space:
            words.append(tuple(current))
            current = []

    pos = 0
    for m in _TAG.finditer(markup):
        add_text(markup[pos : m.start()])
        pos = m.end()
        closing, tag, attrs = m.group(1), m.group(2), m.group(3)
        if tag == "br":
            if current:
                words.append(tuple(current))
                current = []
            words.append(BREAK)
        elif tag == "b":
            bold += -1 if closing else 1
        elif closing:
            if len(colours) > 1:
                colours.pop()
        else:
            c = _COLOUR.search(attrs)
            colours.append(_colour(c.group(1)) if c else colours[-1])
    add_text(markup[pos:])
    if current:
        words.append(tuple(current))
    return words


class Paragraph(Flowable):
    """Wrapped text in one style (a ReportLab ParagraphStyle: font, size, leading, colour,
    alignment 0 left or 2 right, spaces before and after, indents, and an optional bullet)."""

    def __init__(
        self,
        markup: str,
        style: Any,
        bullet: str | None = None,
        *,
        _words: list[Word] | None = None,
    ) -> None:
        self.style = style
        self.bullet = bullet
        self.words = (
            _words if _words is not None else parse(markup, style.fontName, style.textColor)
        )
        self.space_before = float(style.spaceBefore)
        self.space_after = float(style.spaceAfter)
        self._wrapped: tuple[float, list[list[Word]]] | None = None

    # --- layout -------------------------------------------------------------------------

    def _word_width(self, m: Measure, word: Word) -> float:
        size = self.style.fontSize
        return sum(m.width(text, font, size) for text, font, _ in word)

    def lines(self, width: float) -> list[list[Word]]:
        if self._wrapped is not None and self._wrapped[0] == width:
            return self._wrapped[1]
        m = measure()
        s = self.style
        size = s.fontSize
        avail = max(1.0, width - s.leftIndent - s.rightIndent)
        lines: list[list[Word]] = []
        line: list[Word] = []
        line_w = 0.0
        for word in self.words:
            if word is BREAK or not word:
                lines.append(line)
                line, line_w = [], 0.0
                continue
            w = self._word_width(m, word)
            space = m.width(" ", line[-1][-1][1], size) if line else 0.0
            if w <= avail:
                pieces: list[tuple[Word, float]] = [(word, w)]
            else:  # wider than a line: it fills the rest of this line, then whole lines
                pieces = _cut(m, word, size, avail - line_w - space if line else avail, avail)
                head, head_w = pieces[0]
                if head:
                    line.append(head)
                    line_w += (space if len(line) > 1 else 0.0) + head_w
                for piece, piece_w in pieces[1:]:
                    if line:
                        lines.append(line)
                    line, line_w = [piece], piece_w
                continue
            if line and line_w + space + w > avail + 1e-6:
                lines.append(line)
                line, line_w = [word], w
            else:
                line.append(word)
                line_w += space + w
        if line:
            lines.append(line)
        self._wrapped = (width, lines)
        return lines

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        lines = self.lines(avail_w)
        self.width = avail_w
        self.height = len(lines) * self.style.leading
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        lines = self.lines(avail_w)
        n = int((avail_h + 1e-6) // self.style.leading)
        if n >= len(lines):
            return [self]
        if n < 2:  # never one line alone at the foot of a page (ReportLab's allowOrphans=0)
            return []
        head = Paragraph("", self.style, self.bullet, _words=_join(lines[:n]))
        tail = Paragraph("", self.style, None, _words=_join(lines[n:]))
        head.space_after = 0.0
        tail.space_before = 0.0
        return [head, tail]

    # --- drawing ------------------------------------------------------------------------

    def draw(self) -> None:
        s = self.style
        size, leading = s.fontSize, s.leading
        m = measure()
        lines = self.lines(self.width)
        c = self.canv
        t = FastText(c)
        y = self.height - size
        if self.bullet:
            t.setFont(s.fontName, size, leading)
            t.setFillColor(s.textColor)
            t.setTextOrigin(s.bulletIndent, y)
            t.textOut(self.bullet)
        font_now: str | None = None
        colour_now: Any = None
        for line in lines:
            runs = _runs(line, m, size)
            x = s.leftIndent
            if s.alignment == 2:
                x = self.width - s.rightIndent - sum(w for _, _, _, w in runs)
            for text, font, colour, w in runs:
                if font != font_now:
                    t.setFont(font, size, leading)
                    font_now = font
                if colour is not colour_now:
                    t.setFillColor(colour)
                    colour_now = colour
                t.setTextOrigin(x, y)
                t.textOut(text)
                x += w
            y -= leading
        c.drawText(t)


def _cut(
    m: Measure, word: Word, size: float, first: float, avail: float
) -> list[tuple[Word, float]]:
    """`word` cut between characters into pieces: the first no wider than `first` (it may be
    empty when not one character fits there), the others no wider than `avail` (at least one
    character each)."""
    pieces: list[tuple[Word, float]] = []
    frags: list[Frag] = []
    text = ""
    width = 0.0
    limit = first
    font = colour = None
    for piece_text, piece_font, piece_colour in word:
        if text:
            frags.append((text, font or "", colour))
            text = ""
        font, colour = piece_font, piece_colour
        for ch in piece_text:
            cw = m.width(ch, piece_font, size)
            if width + cw > limit + 1e-6 and (width > 0 or pieces == [] and limit < avail):
                if text:
                    frags.append((text, piece_font, piece_colour))
                pieces.append((tuple(frags), width))
                frags, text, width, limit = [], "", 0.0, avail
            text += ch
            width += cw
    if text:
        frags.append((text, font or "", colour))
    pieces.append((tuple(frags), width))
    return pieces


def _join(lines: list[list[Word]]) -> list[Word]:
    out: list[Word] = []
    for k, line in enumerate(lines):
        if k:
            out.append(BREAK)
        out += line
    return out


def _runs(line: list[Word], m: Measure, size: float) -> list[tuple[str, str, Any, float]]:
    """A line's text as runs of one font and colour, each with its width; the space between two
    words belongs to the run before it (drawn in its font), so extracted text keeps it."""
    runs: list[list[Any]] = []
    for k, word in enumerate(line):
        for j, (text, font, colour) in enumerate(word):
            if k and j == 0:  # the space before this word goes on the run before
                runs[-1][0] += " "
            if runs and runs[-1][1] == font and runs[-1][2] is colour:
                runs[-1][0] += text
            else:
                runs.append([text, font, colour])
    return [(text, font, colour, m.width(text, font, size)) for text, font, colour in runs]


class Table(Flowable):
    """Rows of cells in fixed columns. A cell holds blocks (a Flowable, a list of them, or ""),
    stacked and padded. Commands, as ReportLab's TableStyle writes them, with negative indices
    counted from the end: BACKGROUND colour; LINEABOVE and LINEBELOW width colour; VALIGN TOP
    or BOTTOM; LEFTPADDING, RIGHTPADDING, TOPPADDING, BOTTOMPADDING. `repeat_rows` header rows
    start every page the table continues onto."""

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        col_widths: Sequence[float],
        commands: Sequence[tuple[Any, ...]] = (),
        *,
        repeat_rows: int = 0,
        _part: tuple[int, ...] | None = None,
        _shared: dict[str, Any] | None = None,
    ) -> None:
        if _shared is None:
            cells = [[_blocks(cell) for cell in row] for row in rows]
            _shared = {
                "cells": cells,
                "widths": tuple(float(w) for w in col_widths),
                "commands": _resolve(commands, len(col_widths), len(cells)),
                "repeat": repeat_rows,
                "heights": None,
            }
        self._s = _shared
        self.part = _part if _part is not None else tuple(range(len(_shared["cells"])))
        self.width = sum(_shared["widths"])

    # per-cell settings, from the commands in order (the last one wins)
    def _cell(self, key: str, col: int, row: int, default: Any) -> Any:
        value = default
        for cmd in self._s["commands"]:
            if cmd[0] == key and cmd[1] <= col <= cmd[3] and cmd[2] <= row <= cmd[4]:
                value = cmd[5]
        return value

    def _pads(self, col: int, row: int) -> tuple[float, float, float, float]:
        return (
            float(self._cell("LEFTPADDING", col, row, 6)),
            float(self._cell("RIGHTPADDING", col, row, 6)),
            float(self._cell("TOPPADDING", col, row, 3)),
            float(self._cell("BOTTOMPADDING", col, row, 3)),
        )

    def _heights(self) -> list[float]:
        heights: list[float] | None = self._s["heights"]
        if heights is None:
            heights = []
            for r, row in enumerate(self._s["cells"]):
                h = 0.0
                for c, blocks in enumerate(row):
                    left, right, top, bottom = self._pads(c, r)
                    inner = self._s["widths"][c] - left - right
                    h = max(h, _stack_height(blocks, inner) + top + bottom)
                heights.append(h)
            self._s["heights"] = heights
        return heights

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        heights = self._heights()
        self.height = sum(heights[r] for r in self.part)
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        heights = self._heights()
        repeat = self._s["repeat"]
        head = tuple(r for r in self.part if r < repeat)
        body = [r for r in self.part if r >= repeat]
        used = sum(heights[r] for r in head)
        n = 0
        for r in body:
            if used + heights[r] > avail_h + 1e-6:
                break
            used += heights[r]
            n += 1
        if n == 0:
            return []
        if n == len(body):
            return [self]
        first = Table((), (), _part=head + tuple(body[:n]), _shared=self._s)
        rest = Table((), (), _part=tuple(range(repeat)) + tuple(body[n:]), _shared=self._s)
        return [first, rest]

    def draw(self) -> None:
        c = self.canv
        heights = self._heights()
        widths = self._s["widths"]
        xs = [0.0]
        for w in widths:
            xs.append(xs[-1] + w)
        tops: dict[int, float] = {}
        y = self.height
        for r in self.part:
            tops[r] = y
            y -= heights[r]
        commands = self._s["commands"]
        for name, c0, r0, c1, r1, value, *_ in commands:
            if name != "BACKGROUND":
                continue
            c.setFillColor(value)
            for r in self.part:
                if r0 <= r <= r1:
                    c.rect(xs[c0], tops[r] - heights[r], xs[c1 + 1] - xs[c0], heights[r], 0, 1)
        for r in self.part:
            top = tops[r]
            for col, blocks in enumerate(self._s["cells"][r]):
                if not blocks:
                    continue
                left, right, pad_top, pad_bottom = self._pads(col, r)
                inner = widths[col] - left - right
                content = _stack_height(blocks, inner)
                if self._cell("VALIGN", col, r, "TOP") == "BOTTOM":
                    y = top - heights[r] + pad_bottom + content
                else:
                    y = top - pad_top
                for k, block in enumerate(blocks):
                    _, h = block.wrap(inner, 1e9)
                    if k:
                        y -= block.space_before
                    y -= h
                    block.draw_on(c, xs[col] + left, y)
                    y -= block.space_after if k < len(blocks) - 1 else 0.0
        for name, c0, r0, c1, r1, value, *rest in commands:
            if name not in ("LINEABOVE", "LINEBELOW"):
                continue
            c.setLineWidth(value)
            c.setStrokeColor(rest[0])
            for r in self.part:
                if r0 <= r <= r1:
                    y = tops[r] if name == "LINEABOVE" else tops[r] - heights[r]
                    c.line(xs[c0], y, xs[c1 + 1], y)


def _blocks(cell: Any) -> list[Flowable]:
    if isinstance(cell, Flowable):
        return [cell]
    if isinstance(cell, str):
        if not cell:
            return []
        raise TypeError("a table cell's text must be a Paragraph")
    return list(cell)


def _stack_height(blocks: Sequence[Flowable], width: float) -> float:
    total = 0.0
    for k, block in enumerate(blocks):
        _, h = block.wrap(width, 1e9)
        total += h
        if k:
            total += block.space_before
        if k < len(blocks) - 1:
            total += block.space_after
    return total


def _resolve(commands: Sequence[tuple[Any, ...]], ncols: int, nrows: int) -> list[tuple[Any, ...]]:
    """(name, c0, r0, c1, r1, value, *more) with every index counted from the start."""
    out = []
    for name, (c0, r0), (c1, r1), *args in commands:
        if name == "FONT":
            continue  # cells hold paragraphs, each in its own style
        c0, c1 = (c if c >= 0 else ncols + c for c in (c0, c1))
        r0, r1 = (r if r >= 0 else nrows + r for r in (r0, r1))
        out.append((name, c0, r0, c1, r1, *args))
    return out
