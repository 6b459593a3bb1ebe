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
from cmelog.render.pdf.theme import (
    FONT,
    FONT_BOLD,
    MARGIN_BOTTOM,
    OK_HEX,
    STYLES,
    register_fonts,
)


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
    assert head.split(150, style.leading * 1.5) == []  # one line alone: not at a page foot


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


def test_a_block_taller_than_a_page_that_cannot_be_split_is_an_error() -> None:
    """Never a PDF that silently lacks what did not fit (as platypus's LayoutError)."""
    log: list[tuple[str, int, float]] = []
    with pytest.raises(flow.LayoutError, match="does not fit on a page"):
        place([Box("small", 10, log), Box("huge", 500, log), Box("after", 10, log)])
    assert [name for name, _, _ in log] == ["small"]


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


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(
        st.tuples(
            st.text(alphabet="abcdefghijXYZ-/.", max_size=60),
            st.text(alphabet="abcdefghij:", min_size=1, max_size=60),
        ),
        max_size=12,
    ),
    width=st.floats(min_value=20, max_value=540),
)
def test_words_of_several_styles_fit_their_lines(
    words: list[tuple[str, str]], width: float
) -> None:
    """A word made of a bold and a regular piece (`<b>label</b>:`) is cut like any other."""
    register_fonts()
    style = STYLES["bullet"]
    para = blocks.Paragraph(" ".join(f"<b>{a}</b>{b}" for a, b in words), style)
    m = blocks.measure()
    avail = width - style.leftIndent - style.rightIndent
    for line in para.lines(width):
        runs = [(t, f) for w in line for t, f, _ in w]
        spaces = m.width(" ", FONT, style.fontSize) * (len(line) - 1)
        assert sum(m.width(t, f, style.fontSize) for t, f in runs) + spaces <= avail + 0.5
    drawn = "".join(t for line in para.lines(width) for w in line for t, _, _ in w)
    assert drawn == "".join(a + b for a, b in words)


def test_a_long_word_first_fills_the_rest_of_its_line() -> None:
    register_fonts()
    para = blocks.Paragraph("<b>Attestation</b>: " + "x" * 400, STYLES["small"])
    lines = para.lines(200)
    first = "".join(t for w in lines[0] for t, _, _ in w)
    assert first.startswith("Attestation:x") and len(lines) > 2


def test_keep_together_taller_than_a_page_flows_on_from_where_it_is() -> None:
    log: list[tuple[str, int, float]] = []
    para = blocks.Paragraph(" ".join(f"word{i}" for i in range(3000)), STYLES["body"])
    register_fonts()
    place([Box("a", 30, log), flow.KeepTogether([Box("b", 10, log), para])])
    assert [(name, page) for name, page, _ in log] == [("a", 1), ("b", 1)]


def test_a_board_with_more_bars_than_a_page_holds_gets_every_bar(
    cli: Any, db_path: Any, tmp_path: Any
) -> None:
    """Found in review: a chart taller than a page ran over the footer and lost its last bars
    (0.1's renderer stopped with a layout error). It is continued on the next page."""
    from pypdf import PdfReader

    rules = db_path.parent / "rules"
    rules.mkdir(parents=True)
    reqs = "".join(
        f'[[requirement]]\nid = "req{i:02d}"\nlabel = "Requirement {i}"\nrequired = "1"\n'
        'topics = ["risk-management"]\n\n'
        for i in range(70)
    )
    (rules / "zz.toml").write_text(
        'schema = 2\nboard = "ZZ"\nname = "Zanzibar Board of Medicine"\n'
        '[renewal]\nanchor = "birthday"\ncycle_years = 2\n'
        '[topics]\nrisk-management = "Risk management"\n'
        '[[requirement]]\nid = "total"\nlabel = "Total credits"\nrequired = "50"\n\n' + reqs
    )
    init = cli("init", "--name", "Jane Zed", "--birthday", "1975-06-15", "--license", "Z9",
               "--license-expires", "2026-06-15", "--board", "ZZ")  # fmt: skip
    assert init.exit_code == 0, init.stderr
    add = cli("add", "Grand rounds", "--date", "2025-02-03", "--category", "1", "--credits",
              "3", "--provider", "MMS", "--topic", "risk-management")  # fmt: skip
    assert add.exit_code == 0, add.stderr
    out = tmp_path / "zz.pdf"
    result = cli("audit-export", "--as-of", "2026-01-10", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    bars: list[float] = []  # the height on its page of each bar's "earned of required"

    def seen(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip() == "3.00 of 1.00":
            bars.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    pages = [page.extract_text(visitor_text=seen) for page in PdfReader(out).pages]
    assert len(bars) == 70  # one bar per requirement (each needs 1 credit, 3 are recorded)
    assert min(bars) > MARGIN_BOTTOM  # every one above the footer, on the page
    assert "(continued)" in "\n".join(pages)
    assert all(f"Page {k} of {len(pages)}" in page for k, page in enumerate(pages, start=1))


# --- entry rows: recurring cells placed once ---------------------------------------------

_WORDS = st.sampled_from(
    ["MMS", "UpToDate (Wolters Kluwer)", "Ośrodek Ζωή", "a" * 70, "x\ty", "", "Board-of-Reg/243"]
)
_ENTRIES = st.lists(
    st.tuples(
        st.sampled_from(["Grand rounds", "Point-of-care search 12: DKA", "Ethics " * 12, "王"]),
        st.one_of(st.none(), _WORDS),
        st.sampled_from([1, 2]),
        st.sampled_from([25, 50, 100, 250, 5000, 99_999_999]),
        st.lists(
            st.sampled_from(["risk-management", "opioids-pain-management", "ehr", "own-topic"]),
            max_size=3,
        ),
        st.one_of(st.none(), st.tuples(st.sampled_from(["ab" * 32, "cd" * 32]), _WORDS)),
        st.one_of(
            st.none(),
            st.tuples(st.sampled_from([0, 25, 100]), st.lists(_WORDS, max_size=2)),
        ),
        st.sampled_from(["activity", "teaching"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(_ENTRIES)
def test_an_entry_row_with_remembered_cells_is_the_row_laid_out_afresh(
    specs: list[tuple[Any, ...]],
) -> None:
    """EntryRows keys each remembered cell by all it is made from: the rows of one table
    (cells met before are recalled) equal each row laid out by a table of its own."""
    from datetime import date

    from cmelog.domain.model import Entry, EntryOutcome
    from cmelog.render.pdf.layout import Measure, RowBuilder
    from cmelog.render.pdf.sections import ENTRY_COLUMNS, EntryRows

    register_fonts()
    m = Measure()
    table = EntryRows(RowBuilder(m, ENTRY_COLUMNS))
    for n, (title, provider, category, credits, topics, cert, outcome, kind) in enumerate(specs):
        entry = Entry(
            id=n + 1,
            title=title,
            date=date(2025, 1, 1 + n),
            credits=credits,
            category=category,
            kind=kind,
            provider=provider,
            topics=tuple(topics),
            certificate_sha256=cert[0] if cert else None,
            certificate_name=cert[1] if cert else None,
        )
        result = EntryOutcome(n + 1, credits, outcome[0], tuple(outcome[1])) if outcome else None
        alone = EntryRows(RowBuilder(Measure(), ENTRY_COLUMNS))
        assert table.row(entry, result, shaded=n % 2 == 1) == alone.row(
            entry, result, shaded=n % 2 == 1
        )
