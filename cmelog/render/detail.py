"""`show`: what an entry's detail says, and, off a terminal, the same lines without Rich.

`detail_rows` is the one list of (label, value) rows; render/text.py prints it with a Rich grid
on a terminal. Off a terminal Rich adds no style, so for the usual entry (every value plain
ASCII on one line, a width that leaves the value column at least as wide as the labels)
`plain_detail` lays the grid out as Rich does (the label column as wide as the longest label
plus two spaces, the value column as wide as the longest value or the rest of the width, values
wrapped between words and folded when longer than a line, every line padded to the table's
width) without importing Rich. Anything else gets None: Rich prints it.
tests/test_show_plain.py checks the two agree.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Protocol

from cmelog.domain.figures import format_credits, short_credits


class EntryView(Protocol):
    """What `show` reads of an entry (a domain Entry or a storage.rows.EntryRecord)."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def end_date(self) -> dt.date | None: ...
    @property
    def provider(self) -> str | None: ...
    @property
    def category(self) -> int: ...
    @property
    def credits(self) -> int: ...
    @property
    def moc_points(self) -> int | None: ...
    @property
    def minutes(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def topics(self) -> tuple[str, ...]: ...
    @property
    def format(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def certificate_sha256(self) -> str | None: ...
    @property
    def certificate_name(self) -> str | None: ...
    @property
    def notes(self) -> str | None: ...
    @property
    def source(self) -> str: ...


def detail_rows(e: EntryView) -> list[tuple[str, str]]:
    """The (label, value) rows of an entry's detail, those with a value only."""
    rows: list[tuple[str, str | None]] = [
        ("Entry", str(e.id)),
        ("Title", e.title),
        ("Date", e.date.isoformat() + (f" to {e.end_date.isoformat()}" if e.end_date else "")),
        ("Provider", e.provider),
        ("Category", str(e.category)),
        ("Credits", format_credits(e.credits)),
        ("MOC points", short_credits(e.moc_points) if e.moc_points is not None else None),
        ("Minutes", e.minutes),
        ("Kind", e.kind),
        ("Topics", ", ".join(e.topics) or None),
        ("Format", e.format),
        ("URL", e.url),
        (
            "Certificate",
            f"{e.certificate_name} (sha256 {e.certificate_sha256[:12]}...)"
            if e.certificate_sha256
            else None,
        ),
        ("Notes", e.notes),
        ("Source", e.source),
    ]
    return [(label, value) for label, value in rows if value]


_PLAIN = re.compile(r"[ -~]*")  # printable ASCII: one cell per character, nothing to replace
_WORD = re.compile(r"\s*\S+\s*")  # Rich's word: the word and the spaces around it


def rich_width() -> int | None:
    """The width Rich gives a console on stdout when stdout is not a terminal (COLUMNS, else the
    first standard stream that is a terminal, else 80); None when Rich might take it for a
    terminal or use a rule not copied here (FORCE_COLOR, TTY_COMPATIBLE, Windows)."""
    env = os.environ
    if "FORCE_COLOR" in env or "TTY_COMPATIBLE" in env or sys.platform == "win32":
        return None
    columns = env.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    width = None
    for fd in (0, 1, 2):
        try:
            width, _ = os.get_terminal_size(fd)
        except (AttributeError, ValueError, OSError):
            continue
        break
    return width or 80


def _wrap(text: str, width: int) -> list[str]:
    """`text` (printable ASCII) wrapped as Rich wraps a cell with overflow "fold", each line
    padded to `width`."""
    breaks: list[int] = []
    offset = 0
    position = 0
    while (match := _WORD.match(text, position)) is not None:
        start, position = match.span()
        word = match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:  # longer than a line: folded every `width` characters
            chunks = [word[i : i + width] for i in range(0, len(word), width)]
            for chunk in chunks[:-1]:
                if start:
                    breaks.append(start)
                start += len(chunk)
            if start:
                breaks.append(start)
            offset = len(chunks[-1])
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    cuts = [0, *breaks, len(text)]
    lines = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        line = text[a:b]
        if len(line) > width:  # trailing spaces beyond the width go
            excess = len(line) - width
            spaces = len(line) - len(line.rstrip())
            line = line[: len(line) - min(spaces, excess)]
        lines.append(line[:width].ljust(width))
    return lines


def plain_detail(rows: list[tuple[str, str]], width: int) -> str | None:
    """The lines Rich prints for `rows` in a grid `width` cells wide, when no style applies (not a
    terminal); None when the rows or the width need more of Rich than is copied here."""
    if not rows or not all(_PLAIN.fullmatch(value) for _, value in rows):
        return None
    label_width = max(len(label) for label, _ in rows) + 2
    value_width = min(max(len(value) for _, value in rows), width)
    if label_width + value_width > width:
        if width < 2 * label_width:
            return None
        value_width = width - label_width
    out: list[str] = []
    blank = " " * label_width
    for label, value in rows:
        lines = _wrap(value, value_width)
        out.append(label.ljust(label_width) + lines[0] + "\n")
        out.extend(blank + line + "\n" for line in lines[1:])
    return "".join(out)


def plain_path_line(path: Path) -> str | None:
    """The "Certificate file:" line as Rich prints it (whole, never wrapped), when the path has
    nothing Rich would change (a control character, a tab)."""
    text = f"Certificate file: {path}"
    return text + "\n" if text.isprintable() else None
