"""Fast audit PDF (issue 13): each shortcut of the renderer writes exactly the bytes that the
plain ReportLab call it stands for would write."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import stringWidth

from cmelog.domain.model import Entry, Profile
from cmelog.domain.report import AuditReport, ReportCycle, undrawable
from cmelog.render.pdf import layout, render_pdf
from cmelog.render.pdf.theme import FONT, FONT_BOLD, register_fonts
from tests.test_pdf_render import make_evaluation, make_report

# Latin Extended, Greek and Cyrillic: more characters than one 256-glyph font subset holds
MANY = [
    chr(c)
    for c in [*range(0x100, 0x180), *range(0x391, 0x3CA), *range(0x400, 0x460)]
    if c != 0x3A2  # a code point Unicode leaves unassigned: the font has no glyph for it
]


def many_characters_report() -> AuditReport:
    base = make_report(30, 5)
    entries = tuple(
        Entry(
            id=5000 + i,
            title=f"Ab {''.join(MANY[i : i + 7])} cd\u00a0ef and plain words {i}",
            date=date(2024, 2, 1),
            credits=100,
            category=1,
            provider=f"P {''.join(MANY[i : i + 5])}",
        )
        for i in range(0, len(MANY), 7)
    )
    cur = base.cycles[0]
    cycle = ReportCycle("current", cur.window, make_evaluation(cur.window, entries), entries)
    return AuditReport(
        profile=Profile(name="Dr. " + "".join(MANY[:12]), birthday=date(1980, 1, 1), license="Ж-1"),
        board_name=base.board_name,
        as_of=base.as_of,
        version=base.version,
        renewal=base.renewal,
        cycles=(cycle, base.cycles[1]),
        one_time=base.one_time,
    )


def pdf(report: AuditReport) -> bytes:
    buf = io.BytesIO()
    render_pdf(report, buf)
    return buf.getvalue()


@pytest.fixture
def stable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.mark.usefixtures("stable")
def test_first_subset_shortcut_writes_what_reportlab_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = many_characters_report()
    fast = pdf(report)
    # with no character known to the shortcut, every text goes through ReportLab's encoder
    monkeypatch.setattr(layout._FirstSubset, "update", lambda self: None)
    assert pdf(report) == fast


@pytest.mark.usefixtures("stable")
def test_pages_held_compressed_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    report = make_report(400, 30)
    held_as_text = pdf(report)
    monkeypatch.setattr(layout, "HELD_TEXT", 0)
    assert pdf(report) == held_as_text


@pytest.mark.usefixtures("stable")
def test_paragraphs_wrapped_once_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from cmelog.render.pdf import blocks

    report = make_report(60, 10)
    once = pdf(report)
    lines = blocks.Paragraph.lines

    def every_time(self: blocks.Paragraph, width: float) -> list[list[blocks.Word]]:
        self._wrapped = None  # forget the last wrapping: break the lines again
        return lines(self, width)

    monkeypatch.setattr(blocks.Paragraph, "lines", every_time)
    assert pdf(report) == once


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from([*"abc XYZ-/.,ÄÖüß—日😀\u00a0", *MANY[:40]]), max_size=60
    ),
    size=st.sampled_from([3.3, 7.5, 8, 8.5, 9, 10, 13, 17]),
    font=st.sampled_from([FONT, FONT_BOLD]),
)
def test_widths_are_reportlabs(text: str, size: float, font: str) -> None:
    register_fonts()
    m = layout.Measure()
    assert m.width(text, font, size) == stringWidth(text, font, size)
    assert m.wrap(text, font, size, 10_000) == ([" ".join(text.split())] if text.split() else [])


@given(st.lists(st.floats(min_value=-2000, max_value=2000), min_size=1, max_size=4))
def test_numbers_are_formatted_as_reportlab_does(values: list[float]) -> None:
    assert layout._fp(*values) == fp_str(*values)


def test_a_cycle_read_once_still_names_every_undrawable_text() -> None:
    register_fonts()
    report = many_characters_report()
    cur, prev = report.cycles
    odd = Entry(id=777, title="Lecture 王", date=prev.window.start, credits=100, category=1)
    prev_odd = ReportCycle(prev.label, prev.window, prev.evaluation, (*prev.entries, odd))
    mixed = AuditReport(
        profile=report.profile,
        board_name=report.board_name,
        as_of=report.as_of,
        version=report.version,
        renewal=report.renewal,
        cycles=(cur, prev_odd),
        one_time=report.one_time,
    )
    found = undrawable(mixed, layout.can_draw)
    assert [(u.where, u.characters) for u in found] == [('entry 777 "Lecture 王"', ("王",))]


@pytest.mark.usefixtures("stable")
def test_ascii_with_pdf_specials_written_as_reportlab_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Printable ASCII skips the per-character lookups; parentheses and backslashes are still
    escaped exactly as ReportLab escapes them, beside non-ASCII text in the same rows."""
    base = make_report(5, 2)
    entries = tuple(
        Entry(
            id=7000 + i,
            title=title,
            date=date(2024, 2, 1),
            credits=100,
            category=1,
            provider=provider,
        )
        for i, (title, provider) in enumerate(
            [
                ("Ethics (part 2) \\ review", "A (B) \\ C"),
                ("((()))\\\\", "Ośrodek (Zdrowia)"),
                ("Plain words, no specials", "Ζωή (\\)"),
                ("only closing) and back\\slash", "x\\y"),
                ("~!@#$%^&*_+{}|:\"<>?`-=[];',./", "MMS"),
            ]
        )
    )
    cur = base.cycles[0]
    cycle = ReportCycle("current", cur.window, make_evaluation(cur.window, entries), entries)
    report = AuditReport(
        profile=base.profile,
        board_name=base.board_name,
        as_of=base.as_of,
        version=base.version,
        renewal=base.renewal,
        cycles=(cycle, base.cycles[1]),
        one_time=base.one_time,
    )
    fast = pdf(report)
    monkeypatch.setattr(layout._FirstSubset, "update", lambda self: None)
    assert pdf(report) == fast
