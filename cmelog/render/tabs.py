"""`list` in a pipe: one tab-separated line per entry, no header (render/listing.py describes the
fields), written straight from plain rows (storage.rows.LIST_COLUMNS) with no Entry, no Rich.

A text field is cheap to make safe in the usual case: text with nothing but printable
characters has no tab, line break or control character to replace, so only its ends are
stripped; anything else takes the full replacement of render/listing.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, TextIO

from cmelog.domain.figures import short_credits
from cmelog.domain.textsafe import neutralise

_BLANKS = re.compile(r"[\t\r\n\u2028\u2029]+")
_BATCH = 512  # lines per write


def cell(text: str | None) -> str:
    """One tab-separated field: no tab or line break inside, control characters replaced."""
    if not text:
        return ""
    if text.isprintable():  # no tab, line break, U+2028/9 nor control character: none to replace
        return text.strip()
    return neutralise(_BLANKS.sub(" ", text)).strip()


def _iso(value: Any) -> str:
    """A stored date as YYYY-MM-DD, read as storage/reads.py reads it ('' when none)."""
    if value is None or value == "":
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return day.isoformat()


def _write(out: TextIO, lines: list[str]) -> None:
    text = "".join(lines)
    try:
        out.write(text)
    except UnicodeEncodeError:
        # an output that cannot encode some line: every line before it is written, as when
        # writing one line at a time, then the same error
        for line in lines:
            out.write(line)


def tab_row_lines(out: TextIO, rows: Iterable[tuple[Any, ...]]) -> None:
    """The tab-separated line of each row (id, date, end_date, category, credits, kind, topics,
    title, provider), as render.listing.tab_line writes an Entry's."""
    days: dict[Any, str] = {}
    figures: dict[Any, str] = {}
    slugs: dict[Any, str] = {}
    lines: list[str] = []
    try:
        for i, d, end, cat, credits, kind, topics, title, provider in rows:
            start = days.get(d)
            if start is None:
                start = days[d] = _iso(d)
            last = days.get(end)
            if last is None:
                last = days[end] = _iso(end)
            figure = figures.get(credits)
            if figure is None:
                figure = figures[credits] = short_credits(credits)
            joined = slugs.get(topics)
            if joined is None:
                joined = slugs[topics] = ";".join(sorted(t for t in (topics or "").split(";") if t))
            fields = (str(i), start, last, str(cat), figure, kind, joined, cell(title))
            lines.append("\t".join(fields) + "\t" + cell(provider) + "\n")
            if len(lines) >= _BATCH:
                batch, lines = lines, []
                _write(out, batch)
    finally:
        if lines:  # also the lines before a row that could not be written
            _write(out, lines)
