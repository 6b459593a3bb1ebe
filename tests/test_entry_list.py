"""`list` you can read: a table within the terminal's width, grouped by cycle with subtotals,
no word broken; tab-separated lines in a pipe; stored text never reaches a terminal raw."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pexpect
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from cmelog.domain.cycles import cycle_label
from cmelog.domain.model import CycleWindow, Entry, Renewal
from cmelog.render.listing import fit, tab_line, table_lines

Cli = Callable[..., Any]
EXE = str(Path(sys.executable).parent / "cmelog")
RENEWAL = Renewal(
    as_of=date(2026, 1, 10),
    renewal_date=date(2026, 6, 15),
    source="license",
    current=CycleWindow(date(2024, 6, 16), date(2026, 6, 15)),
    previous=CycleWindow(date(2022, 6, 16), date(2024, 6, 15)),
    application_mailing_date=date(2026, 4, 16),
    waiver_deadline=date(2026, 5, 16),
)
LONG = "Internal Medicine Comprehensive Review and Update: Cardiology, Nephrology and Endocrinology"


def entry(i: int, d: str, title: str, credits: int = 100, cat: int = 1, **kw: Any) -> Entry:
    return Entry(id=i, title=title, date=date.fromisoformat(d), credits=credits, category=cat,
                 provider=kw.pop("provider", "Harvard Medical School Department of Continuing "
                                 "Education"), **kw)  # fmt: skip


ENTRIES = [
    entry(1, "2023-03-01", "Opioid safety", 300),
    entry(2, "2025-05-05", LONG, 3825, end_date=date(2025, 5, 9)),
    entry(3, "2024-08-01", "Reading journals", 1200, cat=2, provider=None),
    entry(4, "2021-08-01", "Old course", 200, cat=2),
    entry(5, "2026-07-01", "Later course", 100),
]


def cycle_of(e: Entry) -> str:
    return cycle_label(RENEWAL, e.effective_date)


@pytest.mark.parametrize("width", [80, 100, 132])
def test_table_fits_the_width_and_groups_by_cycle(width: int) -> None:
    ordered = sorted(ENTRIES, key=lambda e: (e.date, e.id))
    lines = [line for _, line in table_lines(ordered, cycle_of, RENEWAL, width)]
    assert all(cell_len(line) <= width for line in lines), lines
    headings = [line for line in lines if re.match(r"^(Earlier|Previous|Current|After)", line)]
    assert [h.split(" ")[0] for h in headings] == ["Earlier", "Previous", "Current", "After"]
    subtotals = [line for line in lines if line.startswith("Subtotal:")]
    assert subtotals == [
        "Subtotal: 1 entry, 2 credits (Category 1: 0, Category 2: 2)",
        "Subtotal: 1 entry, 3 credits (Category 1: 3, Category 2: 0)",
        "Subtotal: 2 entries, 50.25 credits (Category 1: 38.25, Category 2: 12)",
        "Subtotal: 1 entry, 1 credit (Category 1: 1, Category 2: 0)",
    ]
    assert not any("Total" in line for line in lines)  # cycles are never added together


def test_long_text_is_cut_between_words_with_an_ellipsis() -> None:
    lines = [line for _, line in table_lines(ENTRIES[1:2], cycle_of, RENEWAL, 80)]
    row = next(line for line in lines if line.lstrip().startswith("2 "))
    assert "\u2026" in row
    shown = row.split("  ")
    title_cell = next(c.strip() for c in shown if c.strip().startswith("Internal"))
    prefix = title_cell.rstrip("\u2026")
    assert LONG.startswith(prefix) and LONG[len(prefix)] in " ,:"  # ends where a word ends


@given(st.text(min_size=0, max_size=80), st.integers(min_value=2, max_value=60))
def test_fit_never_breaks_a_word(text: str, width: int) -> None:
    out = fit(text, width)
    assert cell_len(out) <= width
    if out.endswith("\u2026") and " " in out:
        kept = out[:-1]
        words = fit(text, 10_000).split(" ")
        # every word kept whole, except a single over-long first word
        assert all(w in words for w in kept.split(" ")[:-1])


def test_tab_line_neutralises_text_and_keeps_fields_apart() -> None:
    e = entry(7, "2025-01-02", "Title\twith\ttabs\nand \x1b[31mred", 125, topics=("ehr", "b"),
              provider="A\tB")  # fmt: skip
    fields = tab_line(e).split("\t")
    assert len(fields) == 9
    assert fields[:7] == ["7", "2025-01-02", "", "1", "1.25", "activity", "b;ehr"]
    assert "\x1b" not in fields[7] and fields[8] == "A B"


def test_list_on_a_terminal_at_80_columns(db_path: Path, jane: Cli) -> None:
    jane("add", LONG, "--date", "2025-05-05", "--category", "1", "--credits", "38.25",
         "--provider", "Harvard Medical School Department of Continuing Education")  # fmt: skip
    jane("add", "Reading journals", "--date", "2023-08-01", "--category", "2", "--credits", "12")
    env = {**os.environ, "CMELOG_DB": str(db_path), "TERM": "xterm", "NO_COLOR": "1",
           "PAGER": "cat", "COLUMNS": "80", "LINES": "30"}  # fmt: skip
    child = pexpect.spawn(EXE, ["list", "--as-of", "2026-01-10"], env=env, encoding="utf-8",
                          timeout=30, dimensions=(30, 80))  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    out = (child.before or "").replace("\r\n", "\n")
    assert child.exitstatus == 0, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert all(cell_len(line) <= 80 for line in lines), lines
    assert lines[0].startswith("Previous cycle 2022-06-16 to 2024-06-15")
    assert any(line.startswith("Current cycle 2024-06-16 to 2026-06-15") for line in lines)
    assert "Internal Medicine Comprehensive" in out and "\u2026" in out
    assert sum(line.startswith("Subtotal:") for line in lines) == 2
