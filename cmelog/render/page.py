"""Plain text laid out as Rich lays it out, without importing Rich (about 35 ms of start-up).

Off a terminal Rich prints no colour, so the status dashboard a script or cron job reads is plain
text; this module writes that text itself: Rich's word wrap (overflow "fold"), Rich's table
layout for a table without borders, bullet lists, a rule. Lines carry no padding spaces at their
ends. tests/test_render_page.py holds every piece to Rich's own output.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from cmelog.domain.textsafe import neutralise
from cmelog.structs import Struct

_WORD = re.compile(r"\s*\S+\s*")


def cell_len(text: str) -> int:
    """Terminal cells of `text` (a wide character counts two), as Rich counts them."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len as rich_cell_len  # the width table only when needed

    return rich_cell_len(text)


def _chop(word: str, width: int) -> list[str]:
    if word.isascii():
        return [word[i : i + width] for i in range(0, len(word), width)] or [""]
    from rich.cells import chop_cells

    return list(chop_cells(word, width))


def wrap_plain(text: str, width: int) -> list[str]:
    """Rich's word wrap (`Text.wrap`, overflow "fold") of unstyled text, without trailing spaces:
    a line breaks before a word that does not fit, and a word wider than a whole line is folded
    across lines."""
    lines: list[str] = []
    for para in text.split("\n"):
        if "\t" in para:
            para = para.expandtabs(8)
        breaks: list[int] = []
        offset = 0
        for m in _WORD.finditer(para):
            start, word = m.start(), m.group(0)
            length = cell_len(word.rstrip())
            if width - offset >= length:
                offset += cell_len(word)
            elif length > width:  # fold the word across lines
                pieces = _chop(word, width)
                for i, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if i == len(pieces) - 1:
                        offset = cell_len(piece)
                    else:
                        start += len(piece)
            elif offset and start:
                breaks.append(start)
                offset = cell_len(word)
        cuts = [0, *breaks, len(para)]
        lines += [para[a:b].rstrip() for a, b in zip(cuts, cuts[1:], strict=False)]
    return lines


def bar(earned: int, required: int, width: int = 12) -> str:
    """A progress bar of '#' and '.'."""
    if required <= 0:
        return "#" * width
    filled = min(width, earned * width // required)
    return "#" * filled + "." * (width - filled)


def terminal_width() -> int:
    """The width Rich gives a console whose output is not a terminal: the terminal of stdin,
    stdout or stderr if any, COLUMNS when set, else 80."""
    width = 0
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    return width or 80


class Column(Struct, frozen=True):
    header: str
    wrap: bool = False  # a wrapping column (Rich: overflow "fold"); the others never wrap


class Cell(Struct, frozen=True):
    text: str
    indent: int = 0  # spaces before every line of the cell, wrapped ones too


class PlainPage:
    """A page of plain text at a fixed width, written as it is built."""

    def __init__(self, stream: TextIO | None = None, width: int | None = None) -> None:
        self.stream = stream or sys.stdout
        self.width = width or terminal_width()

    def _write(self, lines: Sequence[str]) -> None:
        self.stream.write("".join(line + "\n" for line in lines))

    def text(self, text: str) -> None:
        """A paragraph (stored text is neutralised), wrapped at the page's width."""
        self._write(wrap_plain(neutralise(text), self.width))

    def line(self, parts: Sequence[tuple[str, str | None]], style: str | None = None) -> None:
        """A paragraph of styled parts: off a terminal only their text is written."""
        self.text("".join(text for text, _ in parts))

    def blank(self) -> None:
        self.stream.write("\n")

    def bullets(self, lines: Sequence[str]) -> None:
        """'  - ' before each item; its wrapped lines indented by four spaces."""
        width = max(self.width - 4, 1)
        self._write(
            [
                ("  - " if i == 0 else "    ") + part
                for line in lines
                for i, part in enumerate(wrap_plain(neutralise(line), width))
            ]
        )

    def rule(self) -> None:
        encoding = (getattr(self.stream, "encoding", None) or "").lower()
        self._write([("─" if encoding.startswith("utf") else "-") * self.width])

    def table(
        self, columns: Sequence[Column], rows: Sequence[Sequence[tuple[Cell, str | None]]]
    ) -> None:
        """A table without borders, with a header row, as Rich lays out
        `Table(box=None, show_edge=False, pad_edge=False)`: one space of padding on each inner
        side of a cell; when the table is wider than the page, the wrapping columns give way.
        Styles are dropped."""
        cells = [[cell for cell, _ in row] for row in rows]
        lines = table_lines(columns, cells, self.width)
        if lines is None:
            lines = rich_table_lines(columns, cells, self.width)
        self._write(lines)


def rich_table(columns: Sequence[Column], rows: Sequence[Sequence[tuple[Cell, str | None]]]) -> Any:
    """The Rich table this module lays out itself (imports Rich: for a terminal, or a page too
    narrow for the plain layout)."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold", show_edge=False, pad_edge=False, box=None)
    for c in columns:
        if c.wrap:
            table.add_column(c.header, overflow="fold", ratio=1)
        else:
            table.add_column(c.header, no_wrap=True)
    for row in rows:
        cells: list[Any] = []
        for cell, style in row:
            text = Text(cell.text, style=style or "")
            cells.append(Padding(text, (0, 0, 0, cell.indent)) if cell.indent else text)
        table.add_row(*cells)
    return table


def rich_table_lines(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> list[str]:
    """The same table laid out by Rich itself (when it must cut columns to fit)."""
    import io

    from rich.console import Console

    table = rich_table(columns, [[(c, None) for c in row] for row in rows])
    buf = io.StringIO()
    Console(file=buf, width=width, no_color=True, color_system=None, highlight=False).print(table)
    return [line.rstrip() for line in buf.getvalue().split("\n")[:-1]]


def table_lines(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> list[str] | None:
    """The table's lines, or None when it cannot fit `width` by wrapping its wrapping columns."""
    n = len(columns)
    pads = [(0 if i == 0 else 1, 0 if i == n - 1 else 1) for i in range(n)]
    body = [[Cell(c.header) for c in columns], *[list(r) for r in rows]]

    def longest(cell: Cell) -> int:
        return cell.indent + max((cell_len(x) for x in cell.text.split("\n")), default=0)

    widths = [max(longest(row[i]) for row in body) + pads[i][0] + pads[i][1] or 1 for i in range(n)]
    total = sum(widths)
    if total > width and any(c.wrap for c in columns):
        # Rich's Table._collapse_widths: the widest wrapping columns give way first
        excess = total - width
        while excess > 0:
            wrapping = [w for w, c in zip(widths, columns, strict=True) if c.wrap]
            widest = max(wrapping)
            second = max([w for w in wrapping if w != widest], default=0)
            if widest - second <= 0:
                break
            share = [columns[i].wrap and widths[i] == widest for i in range(n)]
            widths = _ratio_reduce(excess, share, min(excess, widest - second), widths)
            excess = sum(widths) - width
    room = [w - a - b for w, (a, b) in zip(widths, pads, strict=True)]
    if sum(widths) > width or any(room[i] - row[i].indent < 2 for row in body for i in range(n)):
        return None  # Rich would cut or drop cells: leave that to Rich (a very narrow page)
    out: list[str] = []
    for number, row in enumerate(body):
        cells: list[list[str]] = []
        for i, cell in enumerate(row):
            left, right = pads[i]
            inner = max(widths[i] - left - right - cell.indent, 1)
            lines = wrap_plain(cell.text, inner) if columns[i].wrap else cell.text.split("\n")
            cells.append([" " * (left + cell.indent) + x for x in lines])
        height = max(len(c) for c in cells)
        if number == 0:  # Rich aligns the header row at its bottom, the others at their top
            cells = [[""] * (height - len(c)) + c for c in cells]
        for k in range(height):
            parts = []
            for i, c in enumerate(cells):
                line = c[k] if k < len(c) else ""
                parts.append(line + " " * max(0, widths[i] - cell_len(line)))
            out.append("".join(parts).rstrip())
    return out


def _ratio_reduce(
    total: int, share: Sequence[bool], cap: int | None, values: list[int]
) -> list[int]:
    """Rich's ratio_reduce with equal ratios: take `total` from the shared values, each at most
    `cap` (or its own value), rounding as Rich rounds."""
    maxima = [value if cap is None else cap for value in values]
    ratios = [1 if on and m else 0 for on, m in zip(share, maxima, strict=True)]
    left = sum(ratios)
    remaining = total
    out = []
    for ratio, maximum, value in zip(ratios, maxima, values, strict=True):
        if ratio and left > 0:
            cut = min(maximum, round(remaining / left))
            out.append(value - cut)
            remaining -= cut
            left -= 1
        else:
            out.append(value)
    return out
