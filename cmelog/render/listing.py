"""`list` for people and for pipes.

On a terminal: a compact table that fits the terminal's width, grouped by cycle (earlier,
previous, current, later) with each cycle's subtotal, long text cut between words with an
ellipsis, through a pager when longer than the screen. In a pipe: one tab-separated line per
entry, no header: id, date, end_date, category, credits, kind, topics, title, provider.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TextIO

from cmelog.domain.credits import credits_phrase, short_credits
from cmelog.domain.model import Entry, Renewal
from cmelog.render.tabs import cell as _cell  # one tab-separated field, made safe


def tab_line(e: Entry) -> str:
    return "\t".join(
        [
            str(e.id),
            e.date.isoformat(),
            e.end_date.isoformat() if e.end_date else "",
            str(e.category),
            short_credits(e.credits),
            e.kind,
            ";".join(sorted(e.topics)),
            _cell(e.title),
            _cell(e.provider),
        ]
    )


def tab_lines(out: TextIO, entries: Iterable[Entry]) -> None:
    for e in entries:
        out.write(tab_line(e) + "\n")


# ------------------------------------------------------------------ the terminal table
def fit(text: str, width: int) -> str:
    """`text` in at most `width` terminal cells, cut between words with an ellipsis."""
    from rich.cells import cell_len

    text = _cell(text)
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "\u2026"[:width]
    cut = ""
    for ch in text:
        if cell_len(cut + ch) > width - 1:
            break
        cut += ch
    space = cut.rfind(" ")
    if space >= max(1, width // 3) and not text[len(cut) : len(cut) + 1].isspace():
        cut = cut[:space]
    return cut.rstrip(" ,;:-/") + "\u2026"


def _pad(text: str, width: int, right: bool = False) -> str:
    from rich.cells import cell_len

    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


GROUPS = (
    ("earlier", "Earlier"),
    ("previous", "Previous cycle"),
    ("current", "Current cycle"),
    ("later", "After the current cycle"),
)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def table_lines(
    entries: Sequence[Entry],
    cycle_of: Callable[[Entry], str],
    renewal: Renewal,
    width: int,
) -> list[tuple[str, str]]:
    """(style, line) pairs: headings, column titles, rows and subtotals, each within `width`."""
    if not entries:
        return [("", "No entries match.")]
    id_w = max(2, *(len(str(e.id)) for e in entries))
    date_w, cat_w, cr_w = 10, 3, 7
    show_topics = width >= 120
    fixed = id_w + date_w + cat_w + cr_w
    gaps = 2 * (6 if show_topics else 5)
    rest = max(20, width - fixed - gaps)
    topics_w = 24 if show_topics else 0
    rest -= topics_w
    from rich.cells import cell_len

    longest_provider = max(cell_len(_cell(e.provider)) for e in entries)
    prov_w = max(8, min(rest // 3, longest_provider))
    title_w = max(10, rest - prov_w)

    def row(cells: list[tuple[str, int, bool]]) -> str:
        return "  ".join(_pad(text, w, right) for text, w, right in cells).rstrip()

    head = [
        ("ID", id_w, True),
        ("Date", date_w, False),
        ("Cat", cat_w, False),
        ("Credits", cr_w, True),
        ("Title", title_w, False),
        ("Provider", prov_w, False),
    ]
    if show_topics:
        head.append(("Topics", topics_w, False))
    lines: list[tuple[str, str]] = []
    windows = {"current": renewal.current, "previous": renewal.previous}
    for key, label in GROUPS:
        group = [e for e in entries if cycle_of(e) == key]
        if not group:
            continue
        window = windows.get(key)
        span = f" {window.start.isoformat()} to {window.end.isoformat()}" if window else ""
        if lines:
            lines.append(("", ""))
        lines.append(("bold", fit(f"{label}{span}", width)))
        lines.append(("dim", row(head)))
        for e in group:
            cells = [
                (str(e.id), id_w, True),
                (e.date.isoformat(), date_w, False),
                (str(e.category), cat_w, False),
                (short_credits(e.credits), cr_w, True),
                (fit(e.title, title_w), title_w, False),
                (fit(e.provider or "", prov_w), prov_w, False),
            ]
            if show_topics:
                cells.append((fit(", ".join(e.topics), topics_w), topics_w, False))
            lines.append(("", row(cells)))
        total = sum(e.credits for e in group)
        cat1 = sum(e.credits for e in group if e.category == 1)
        cat2 = total - cat1
        summary = (
            f"Subtotal: {_plural(len(group), 'entry', 'entries')}, "
            f"{credits_phrase(total)} "
            f"(Category 1: {short_credits(cat1)}, Category 2: {short_credits(cat2)})"
        )
        lines.append(("italic", fit(summary, width)))
    return lines


def table(entries: Sequence[Entry], cycle_of: Callable[[Entry], str], renewal: Renewal) -> None:
    from rich.text import Text

    from cmelog.render.text import console

    out = console()
    width = max(40, out.width)
    lines = table_lines(entries, cycle_of, renewal, width)
    styled = [Text(line, style=style if not out.no_color else "") for style, line in lines]
    if len(lines) + 1 > out.height and os.environ.get("TERM", "") != "dumb":
        os.environ.setdefault("LESS", "FRX")
        with out.pager(styles=not out.no_color):
            for t in styled:
                out.print(t, overflow="ignore", crop=False)
        return
    for t in styled:
        out.print(t)
