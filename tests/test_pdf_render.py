"""The audit-export PDF, read back with pypdf."""

from __future__ import annotations

import io
import os
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from cmelog.domain.model import (
    Attestation,
    CycleWindow,
    Entry,
    EntryOutcome,
    Evaluation,
    MetBy,
    Profile,
    Renewal,
    RequirementResult,
)
from cmelog.domain.report import AuditReport, OneTimeEvidence, ReportCycle
from cmelog.render.pdf import _Measure, render_pdf
from cmelog.render.pdf.theme import FONT, FONT_BOLD, register_fonts

LONG_TITLE = (
    "Comprehensive multidisciplinary update on the safe prescribing of opioid analgesics, "
    "tapering strategies, naloxone co-prescription and the Massachusetts Prescription "
    "Monitoring Program for primary care and hospital medicine physicians (session 4 of 6)"
)
LONG_PROVIDER = "Massachusetts Medical Society Continuing Medical Education Department of Boston"
UMLAUT_TITLE = "Ärztliche Fortbildung — über Schmerztherapie"
PROFILE = Profile(
    name="Dr. Jane Q. Example",
    birthday=date(1975, 6, 15),
    license="281234",
    license_issued=date(2012, 3, 1),
)
CURRENT = CycleWindow(date(2023, 6, 16), date(2025, 6, 15))
PREVIOUS = CycleWindow(date(2021, 6, 16), date(2023, 6, 15))
BOARD = "Massachusetts Board of Registration in Medicine"

TOPICS = (
    (),
    ("risk-management",),
    ("opioids-pain-management", "risk-management"),
    ("board-regulations",),
    ("end-of-life",),
    ("physician-wellness", "risk-management"),
)


def make_entries(n: int, window: CycleWindow, first_id: int = 1) -> tuple[Entry, ...]:
    span = (window.end - window.start).days
    entries = []
    for i in range(n):
        day = window.start + timedelta(days=(i * span) // max(n, 1))
        title = LONG_TITLE if i % 7 == 0 else f"Grand rounds: clinical topic number {i}"
        if i % 11 == 3:
            title = UMLAUT_TITLE
        entries.append(
            Entry(
                id=first_id + i,
                title=title,
                date=day,
                end_date=day + timedelta(days=2) if i % 9 == 0 else None,
                credits=[100, 150, 200, 25, 300][i % 5],
                category=1 if i % 4 else 2,
                kind="teaching" if i % 13 == 5 else "activity",
                provider=LONG_PROVIDER if i % 5 == 0 else ("BIDMC" if i % 5 != 2 else None),
                topics=TOPICS[i % len(TOPICS)],
                certificate_sha256=(f"{i:04x}" * 16)[:64] if i % 3 else None,
            )
        )
    return tuple(sorted(entries, key=lambda e: (e.effective_date, e.id)))


def make_evaluation(window: CycleWindow, entries: tuple[Entry, ...]) -> Evaluation:
    outcomes = {}
    total = 0
    for e in entries:
        if e.kind == "teaching":
            counted = e.credits // 50 * 25
            notes: tuple[str, ...] = ("capped: teaching at most 10 per calendar year",)
        else:
            counted, notes = e.credits, ()
        outcomes[e.id] = EntryOutcome(e.id, e.credits, counted, notes)
        total += counted
    risk = sum(e.credits for e in entries if "risk-management" in e.topics)
    reqs = (
        RequirementResult(
            "total",
            "Total credits",
            "cycle",
            True,
            5000,
            total,
            total >= 5000,
            "243 CMR 2.06",
            notes=("capped: teaching at most 10 per calendar year",) if entries else (),
        ),
        RequirementResult(
            "risk-management", "Risk management", "cycle", True, 1000, risk, risk >= 1000, "MMS"
        ),
        RequirementResult(
            "opioids-pain-management",
            "Opioid education and pain management",
            "cycle",
            True,
            300,
            150,
            False,
            "M.G.L. c. 94C",
        ),
        RequirementResult(
            "board-regulations", "Board regulations", "cycle", True, 200, 200, True, "BORIM"
        ),
        RequirementResult(
            "implicit-bias",
            "Implicit bias",
            "one-time",
            True,
            200,
            200,
            True,
            "BORIM",
            met_by=(MetBy("entry", 3),),
        ),
        RequirementResult(
            "alzheimers-dementia",
            "Alzheimer's disease and related dementias",
            "one-time",
            False,
            100,
            0,
            False,
            "c. 112",
        ),
        RequirementResult(
            "child-abuse-reporting",
            "Child abuse reporting",
            "one-time",
            True,
            None,
            None,
            True,
            "c. 119",
            met_by=(MetBy("attestation", 1),),
        ),
        RequirementResult(
            "domestic-sexual-violence",
            "Domestic and sexual violence",
            "one-time",
            True,
            None,
            None,
            False,
            "c. 112",
        ),
    )
    return Evaluation(window, reqs, outcomes)


def make_report(
    current_n: int = 500, previous_n: int = 40, *, estimated: bool = True, previous: bool = True
) -> AuditReport:
    cur_entries = make_entries(current_n, CURRENT, first_id=1000)
    cycles = [ReportCycle("current", CURRENT, make_evaluation(CURRENT, cur_entries), cur_entries)]
    if previous:
        prev_entries = make_entries(previous_n, PREVIOUS, first_id=1)
        cycles.append(
            ReportCycle("previous", PREVIOUS, make_evaluation(PREVIOUS, prev_entries), prev_entries)
        )
    old = Entry(
        id=900,
        title="Implicit bias in clinical decision making",
        date=date(2019, 4, 2),
        credits=200,
        category=1,
        provider="Harvard Medical School",
        topics=("implicit-bias",),
        certificate_sha256="ab" * 32,
    )
    one_time = (
        OneTimeEvidence("implicit-bias", "Implicit bias", True, True, (old,), ()),
        OneTimeEvidence(
            "child-abuse-reporting",
            "Child abuse reporting",
            True,
            True,
            (),
            (Attestation(1, "child-abuse-reporting", date(2008, 5, 30), "Residency training"),),
        ),
        OneTimeEvidence(
            "domestic-sexual-violence", "Domestic and sexual violence", True, False, (), ()
        ),
        OneTimeEvidence(
            "alzheimers-dementia",
            "Alzheimer's disease and related dementias",
            False,
            False,
            (),
            (),
        ),
    )
    renewal = Renewal(
        as_of=date(2024, 5, 1),
        renewal_date=CURRENT.end,
        source="estimated" if estimated else "license",
        current=CURRENT,
        previous=PREVIOUS if previous else None,
        application_mailing_date=CURRENT.end - timedelta(days=60),
        waiver_deadline=CURRENT.end - timedelta(days=30),
    )
    return AuditReport(
        profile=PROFILE,
        board_name=BOARD,
        as_of=date(2024, 5, 1),
        version="0.1.0",
        renewal=renewal,
        cycles=tuple(cycles),
        one_time=one_time,
    )


def render(report: AuditReport) -> bytes:
    buf = io.BytesIO()
    render_pdf(report, buf)
    return buf.getvalue()


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def big_pdf() -> bytes:
    return render(make_report())


@pytest.fixture(scope="module")
def big_pages(big_pdf: bytes) -> list[str]:
    return page_texts(big_pdf)


def test_title_block(big_pages: list[str]) -> None:
    first = flat(big_pages[0])
    for expected in (
        "Dr. Jane Q. Example",
        "281234",
        BOARD,
        "2025-06-15 (estimated)",
        "expiration date printed on the license",
        "2023-06-16 – 2025-06-15",
        "2021-06-16 – 2023-06-15",
        "as of 2024-05-01 with cmelog 0.1.0",
        "At a glance",
    ):
        assert expected in first, expected


def test_renewal_from_license_is_not_estimated() -> None:
    first = flat(page_texts(render(make_report(20, 5, estimated=False)))[0])
    assert "2025-06-15" in first
    assert "(estimated)" not in first


def test_without_previous_cycle() -> None:
    pages = page_texts(render(make_report(12, previous=False)))
    text = flat(" ".join(pages))
    assert "none: the current cycle is the first" in text
    assert "Previous cycle" in text  # the title block row
    assert "Previous cycle 2021" not in text


def test_cycle_sections_and_entries(big_pages: list[str]) -> None:
    text = flat(" ".join(big_pages))
    assert "Current cycle 2023-06-16 – 2025-06-15" in text
    assert "Previous cycle 2021-06-16 – 2023-06-15" in text
    assert "Required Earned Status" in text
    assert "one-time" in text
    assert "Caps applied" in text
    assert "capped: teaching at most 10 per calendar year" in text
    # long titles wrap, so check a few words from each end
    assert "Comprehensive multidisciplinary update" in text
    assert "(session 4 of 6)" in text
    assert "Grand rounds: clinical topic number 499" in text
    assert "Ärztliche Fortbildung — über" in text
    # a certificate without its original file name: a 12-character SHA-256 prefix, no more
    assert "SHA-256 00010001000" in text
    assert "0001000100010001" not in text


def test_totals(big_pages: list[str]) -> None:
    report = make_report()
    text = flat(" ".join(big_pages))
    for cycle in report.cycles:
        n = len(cycle.entries)
        claimed = sum(e.credits for e in cycle.entries)
        counted = sum(o.counted for o in cycle.evaluation.outcomes.values())
        claimed_s = f"{claimed // 100}.{claimed % 100:02d}"
        counted_s = f"{counted // 100}.{counted % 100:02d}"
        assert f"Totals ({n} entries)" in text
        assert f"Entries ({n}): claimed {claimed_s}, counted {counted_s} after caps" in text
        assert claimed != counted


def test_every_entry_is_listed(big_pages: list[str]) -> None:
    text = flat(" ".join(big_pages))
    report = make_report()
    for cycle in report.cycles:
        for e in cycle.entries:
            assert re.search(rf"(?<!\d){e.id} {e.date.isoformat()}", text), e.id


def test_one_time_section(big_pages: list[str]) -> None:
    text = flat(" ".join(big_pages[-3:]))
    assert "One-time requirements" in text
    assert "2019-04-02" in text and "Implicit bias in clinical decision making" in text
    assert "Harvard Medical School" in text
    assert "2008-05-30" in text and "Residency training" in text
    assert "No entry or attestation recorded yet." in text
    assert "Does not apply to this physician." in text


def test_page_numbers_on_every_page(big_pdf: bytes, big_pages: list[str]) -> None:
    n = len(PdfReader(io.BytesIO(big_pdf)).pages)
    assert n > 10  # a 500-entry cycle spans many pages
    for i, text in enumerate(big_pages, start=1):
        assert f"Page {i} of {n}" in text
        assert "cmelog 0.1.0 - as of 2024-05-01" in text


def test_continued_pages_repeat_the_header(big_pages: list[str]) -> None:
    continued = [t for t in big_pages if "entries (continued)" in t]
    assert len(continued) >= 8
    for text in continued:
        assert "Claimed" in text and "Counted" in text and "Certificate" in text


def test_metadata(big_pdf: bytes) -> None:
    meta = PdfReader(io.BytesIO(big_pdf)).metadata
    assert meta is not None
    assert meta.title is not None and "Dr. Jane Q. Example" in meta.title
    assert "281234" in meta.title
    assert meta.author == "Dr. Jane Q. Example"
    assert meta.subject is not None and BOARD in meta.subject
    assert meta.creator == "cmelog 0.1.0"


def test_deterministic_with_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    report = make_report(120, 10)
    first = render(report)
    second = render(report)
    assert first == second
    assert b"20240501" in first  # the creation date comes from SOURCE_DATE_EPOCH


def test_progress_reports_every_entry() -> None:
    seen: list[int] = []
    report = make_report(300, 25)
    render_pdf(report, io.BytesIO(), progress=seen.append)
    assert seen, "progress was never called"
    assert seen == sorted(seen)
    assert seen[-1] == 325


def test_empty_cycle_and_odd_text() -> None:
    nasty = Entry(
        id=1,
        title="x" * 400 + " <b>&amp; \x00\x07 日本語 😀 \ud800 " + "long-" * 200,
        date=date(2024, 1, 1),
        credits=123456,
        category=1,
        provider="Ärzte & <Co> — " + "P" * 300,
        topics=("some-unknown-topic-slug-that-is-very-long-indeed",),
        certificate_sha256="F" * 64,
    )
    base = make_report(0, 0)
    cur = base.cycles[0]
    cycle = ReportCycle(
        "current",
        cur.window,
        make_evaluation(cur.window, (nasty,)),
        (nasty,),
    )
    report = AuditReport(
        profile=Profile(name="Dr. Ünal <Ö> & Co", birthday=date(1980, 1, 1), license="A&B"),
        board_name=base.board_name,
        as_of=base.as_of,
        version=base.version,
        renewal=base.renewal,
        cycles=(cycle, base.cycles[1]),
        one_time=(),
    )
    text = flat(" ".join(page_texts(render(report))))
    assert "Dr. Ünal <Ö> & Co" in text
    # the previous cycle holds no entry and no attestation
    assert "No activities recorded in cmelog for this cycle." in text
    assert "1234.56" in text
    assert "No one-time requirements." in text


def test_no_cycles_at_all() -> None:
    base = make_report(0, 0)
    report = AuditReport(
        profile=base.profile,
        board_name=base.board_name,
        as_of=base.as_of,
        version=base.version,
        renewal=base.renewal,
        cycles=(),
        one_time=base.one_time,
    )
    pages = page_texts(render(report))
    assert "Page 1 of 1" in pages[-1] or len(pages) > 1
    assert "One-time requirements" in flat(" ".join(pages))


@settings(max_examples=200, deadline=None)
@given(
    text=st.lists(
        st.sampled_from([*"abcXYZ -/.,ÄÖüß—日😀", "W" * 30, "long-hyphenated-slug", "   "]),
        max_size=120,
    ).map("".join),
    width=st.floats(min_value=20, max_value=200),
    font=st.sampled_from([FONT, FONT_BOLD, "Helvetica"]),
)
def test_wrapped_lines_fit_their_column(text: str, width: float, font: str) -> None:
    register_fonts()
    lines = _Measure().wrap(text, font, 7.5, width)
    for line in lines:
        assert stringWidth(line, font, 7.5) <= width + 1e-6, line
    # nothing is lost but whitespace
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_invalid_source_date_epoch_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    data = render(make_report(5, 2))
    assert data.startswith(b"%PDF")
    assert os.environ["SOURCE_DATE_EPOCH"] == "yesterday"
