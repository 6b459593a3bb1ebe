"""render.page.wrap_plain wraps as Rich's Text.wrap does (status bullets use it for speed)."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from cmelog.render.page import wrap_plain

WORDS = st.sampled_from(
    ["a", "credit", "risk-management", "2026-06-15", "(BORIM", "王小明", "Αλέξανδρος", "x" * 30]
)
texts = st.lists(st.tuples(WORDS, st.sampled_from([" ", "  ", "\n", " \n"])), max_size=25).map(
    lambda parts: "".join(w + sep for w, sep in parts)
)


@settings(max_examples=300, deadline=None)
@given(text=texts, width=st.integers(2, 60))  # a wide character needs two cells
def test_wraps_as_rich_does(text: str, width: int) -> None:
    console = Console(file=io.StringIO(), width=80)
    rich_lines = [line.plain.rstrip() for line in Text(text).wrap(console, width, overflow="fold")]
    assert wrap_plain(text, width) == rich_lines


def test_a_word_wider_than_the_line_is_folded() -> None:
    assert wrap_plain("see abcdefghij now", 4) == ["see", "abcd", "efgh", "ij", "now"]
    assert wrap_plain("王小明王小明", 4) == ["王小", "明王", "小明"]
