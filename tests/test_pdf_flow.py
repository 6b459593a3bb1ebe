"""The audit PDF's own page flow (issue 13: platypus is no longer imported): paragraphs with
inline markup, small tables split across pages with their header, keep-together groups and
conditional page breaks, placed on a real ReportLab canvas."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from cmelog.render.pdf import blocks, flow
from cmelog.render.pdf.theme import FONT, FONT_BOLD, OK_HEX, STYLES, register_fonts


class Box(flow.Flowable):
    """A block of fixed height that records the page and height it was drawn at."""

    def __init__(self, name: str, height: float, log: list[tuple[str, int, float]]) -> None:
        self.name, self.height, self.log = name, height, log
        self.width = 100.0

    def draw_on(self, canv: Any, x: float, y: float) -> None:
        self.log.append((self.name, canv.getPageNumber(), round(y, 2)))


def place(story: list[flow.Flowable], height: float = 100.0) -> int:
    canv = Canvas(io.BytesIO())
    flow.build(story, canv, x=0, y=0, width=200, height=height)
    return int(canv.getPageNumber()) - 1  # pages written


def test_markup_becomes_words_of_styled_pieces() -> None:
    register_fonts()
    ink = STYLES["body"].textColor
    words = blocks.parse(
        f'<b>Category 1</b>: 5 &amp; 6 <font color="{OK_HEX}">met</font><br/>next',
        FONT,
        ink,
    )
    texts = [" | ".join(text for text, _, _ in w) for w in words]
    assert texts == ["Category", "1 | :", "5", "&", "6", "met", "", "next"]
    assert words[0][0][1] == FONT_BOLD and words[1][0][1] == FONT_BOLD
    assert words[1][1][1] == FONT  # the colon after </b> is regular, in the same word
    assert words[5][0][2].hexval().lower() == "0x" + OK_HEX[1:].lower()
    assert words[6] == blocks.BREAK


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.text(alphabet="abcdefghijXYZ-/.", min_size=1, max_size=40), max_size=40),
    width=st.floats(min_value=20, max_value=540),
)
def test_paragraph_lines_fit_and_keep_every_word(words: list[str], width: float) -> None:
    register_fonts()
    style = STYLES["body"]
    para = blocks.Paragraph(" ".join(words), style)
    _, h = para.wrap(width, 1e9)
    lines = para.lines(width)
    assert h == len(lines) * style.leading
    m = blocks.measure()
    for line in lines:
        assert m.width(" ".join("".join(t for t, _, _ in w) for w in line), FONT, 9) <= width + 1e-6
    drawn = "".join("".join("".join(t for t, _, _ in w) for w in line) for line in lines)
    assert drawn == "".join(words)  # long words are cut, never lost


def test_paragraph_splits_by_lines() -> None:
    register_fonts()
    style = STYLES["body"]
    para = blocks.Paragraph(" ".join(f"word{i}" for i in range(200)), style)
    _, h = para.wrap(150, 1e9)
    head, tail = para.split(150, h / 2)
    _, h1 = head.wrap(150, 1e9)
    _, h2 = tail.wrap(150, 1e9)
    assert h1 <= h / 2 and h1 + h2 == h
    assert head.split(150, style.leading / 2) == []


def test_table_split_repeats_its_header_and_keeps_every_row() -> None:
    register_fonts()
    rows = [[blocks.Paragraph("Head", STYLES["th"])]] + [
        [blocks.Paragraph(f"row {i}", STYLES["small"])] for i in range(40)
    ]
    table = blocks.Table(rows, [200], [("LINEBELOW", (0, -1), (-1, -1), 1, "black")], repeat_rows=1)
    _, total = table.wrap(200, 1e9)
    first, rest = table.split(200, total / 3)
    assert first.wrap(200, 1e9)[1] <= total / 3
    assert first.part[0] == 0 and rest.part[0] == 0  # the header starts both parts
    assert sorted(set(first.part[1:]) | set(rest.part[1:])) == list(range(1, 41))
    assert not set(first.part[1:]) & set(rest.part[1:])
    assert table.split(200, 5) == []  # not even one row under the header fits


def test_keep_together_moves_to_a_new_page_and_cond_page_break() -> None:
    log: list[tuple[str, int, float]] = []
    story: list[flow.Flowable] = [
        Box("a", 60, log),
        flow.KeepTogether([Box("b", 30, log), Box("c", 30, log)]),
        flow.CondPageBreak(50),
        Box("d", 10, log),
        flow.CondPageBreak(50),
        Box("e", 10, log),
        flow.PageBreak(),
        Box("f", 10, log),
    ]
    pages = place(story)
    assert [(name, page) for name, page, _ in log] == [
        ("a", 1), ("b", 2), ("c", 2), ("d", 3), ("e", 3), ("f", 4),
    ]  # fmt: skip
    assert pages == 4
    assert [y for name, _, y in log if name in ("b", "c")] == [70, 40]


def test_a_block_taller_than_a_page_is_placed_once_at_the_top() -> None:
    log: list[tuple[str, int, float]] = []
    pages = place([Box("small", 10, log), Box("huge", 500, log), Box("after", 10, log)])
    assert [(name, page) for name, page, _ in log] == [("small", 1), ("huge", 2), ("after", 3)]
    assert pages == 3


def test_build_lets_go_of_what_it_placed() -> None:
    log: list[tuple[str, int, float]] = []
    story: list[flow.Flowable] = [Box("a", 10, log), Box("b", 10, log)]
    place(story)
    assert story == []  # the caller's list no longer holds the placed blocks


def test_rows_of_drawn_table_chunks_are_not_held(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long entry table holds a few chunks' rows at a time, not every row to the end."""
    import gc

    from cmelog.render.pdf import layout, render_pdf, sections
    from tests.test_pdf_render import make_report

    held: list[int] = []
    draw = layout.ChunkedTable.draw

    def counting_draw(self: layout.ChunkedTable) -> None:
        tables = [o for o in gc.get_objects() if isinstance(o, layout.ChunkedTable)]
        held.append(sum(len(t._rows or ()) for t in tables))
        draw(self)

    monkeypatch.setattr(layout.ChunkedTable, "draw", counting_draw)
    render_pdf(make_report(1200, 20), io.BytesIO())
    assert len(held) > 10
    assert max(held) <= 4 * sections.CHUNK_ROWS
