"""render.page writes the plain dashboard Rich would write off a terminal, without Rich.

Off a terminal Rich prints no colour, so `status` writes its text itself (35 ms of start-up
saved). Each piece is held here to Rich's own output, lines compared without trailing spaces
(Rich pads table lines; the plain page does not).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from cmelog.render.page import Cell, Column, PlainPage, wrap_plain

WORDS = st.sampled_from(
    ["a", "credit", "risk-management", "2026-06-15", "王小明", "Αλέξανδρος", "x" * 30, "met"]
)
texts = st.lists(WORDS, min_size=0, max_size=8).map(" ".join)


def rich_lines(renderable: Any, width: int) -> list[str]:
    buf = io.StringIO()
    Console(file=buf, width=width, no_color=True, color_system=None, highlight=False).print(
        renderable
    )
    return [line.rstrip() for line in buf.getvalue().split("\n")[:-1]]


@settings(max_examples=300, deadline=None)
@given(
    headers=st.lists(st.sampled_from(["Requirement", "Progress", "Credits", "Status"]), min_size=2,
                     max_size=4),
    rows=st.lists(st.lists(st.tuples(texts, st.sampled_from([0, 2])), min_size=4, max_size=4),
                  max_size=6),
    width=st.integers(30, 120),
)  # fmt: skip
def test_tables_are_laid_out_as_rich_lays_them_out(
    headers: list[str], rows: list[list[tuple[str, int]]], width: int
) -> None:
    columns = [Column(h, wrap=i == 0) for i, h in enumerate(headers)]
    table = Table(header_style="bold", show_edge=False, pad_edge=False, box=None)
    for c in columns:
        if c.wrap:
            table.add_column(c.header, overflow="fold", ratio=1)
        else:
            table.add_column(c.header, no_wrap=True)
    cells = []
    for row in rows:
        # only the first (wrapping) column is indented, as the dashboard indents its labels
        line = [
            Cell(t, indent if i == 0 else 0) for i, (t, indent) in enumerate(row[: len(columns)])
        ]
        cells.append(line)
        table.add_row(*[Padding(Text(c.text), (0, 0, 0, c.indent)) if c.indent else Text(c.text)
                        for c in line])  # fmt: skip
    buf = io.StringIO()
    PlainPage(buf, width).table(columns, [[(c, None) for c in line] for line in cells])
    assert buf.getvalue().split("\n")[:-1] == rich_lines(table, width)


@settings(max_examples=200, deadline=None)
@given(text=texts, width=st.integers(20, 100))
def test_a_paragraph_wraps_as_rich_prints_it(text: str, width: int) -> None:
    buf = io.StringIO()
    PlainPage(buf, width).text(text)
    assert buf.getvalue().split("\n")[:-1] == rich_lines(Text(text), width)


def test_a_tab_is_expanded_as_rich_expands_it() -> None:
    assert wrap_plain("a\tb", 40) == [line for line in rich_lines(Text("a\tb"), 40)]


Cli = Callable[..., Any]


@pytest.mark.parametrize("width", ["40", "64", "80", "132"])
def test_every_dashboard_reads_the_same_without_rich(
    cli: Cli, db_path: Path, width: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five licenses and two ledgers, a closed-short previous cycle, an estimated renewal, a long
    non-Latin name: the plain dashboard equals Rich's, line for line."""
    from cmelog.render import status as render
    from cmelog.services.context import Context
    from cmelog.services.status import status

    db = ["--db", str(db_path)]
    name = "Dr. Αλέξανδρος Παπαδόπουλος-Νικολάου 王小明 with a name long enough to wrap"
    assert cli(*db, "init", "--name", name, "--birthday", "1975-06-15", "--license", "123456",
               "--license-issued", "2010-03-01").exit_code == 0  # fmt: skip
    for args in (
        ["license", "add", "--board", "NH", "--number", "NH-1", "--issued", "2023-09-01"],
        ["license", "add", "--board", "NY", "--number", "301234", "--expires", "2027-10-31"],
        ["license", "add", "--board", "CA", "--number", "A12345", "--issued", "2020-03-10"],
        ["license", "add", "--board", "TX", "--number", "T-1", "--expires", "2027-01-31"],
        ["ledger", "add", "dea-mate", "--registered", "2024-03-15"],
        ["ledger", "add", "moc", "--board-name", "ABIM", "--cycle-start", "2024-01-01"],
        ["add", "Risk course with a long title that wraps in the table and in the lists",
         "--date", "2026-09-01", "--credits", "10", "--topic", "risk-management",
         "--category", "1", "--provider", "P"],
        ["add", "Wellness retreat", "--date", "2025-09-01", "--credits", "12",
         "--topic", "physician-wellness", "--topic", "risk-management", "--category", "1",
         "--provider", "P"],
        ["add", "EOL module", "--date", "2013-05-01", "--credits", "2", "--topic", "end-of-life",
         "--category", "1", "--provider", "P"],
    ):  # fmt: skip
        result = cli(*db, *args)
        assert result.exit_code == 0, result.stderr
    monkeypatch.setenv("COLUMNS", width)
    ms = status(Context(str(db_path)), "2026-12-03", explain=False)
    assert len(ms.reports) == 7
    for rep in ms.reports:
        plain = io.StringIO()
        render.status_text(rep, PlainPage(plain, int(width)))
        rich = io.StringIO()
        monkeypatch.setattr("sys.stdout", rich)
        render.status_text(rep, render.RichPage())
        monkeypatch.undo()
        monkeypatch.setenv("COLUMNS", width)
        assert plain.getvalue().split("\n") == [x.rstrip() for x in rich.getvalue().split("\n")]
    assert json.dumps([r.profile.board for r in ms.reports])  # every report was rendered
