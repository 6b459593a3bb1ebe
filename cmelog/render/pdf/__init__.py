"""The audit-export PDF: the record a physician sends the Board when audited.

Layout, in order: a title block (physician, license, board, renewal date, both cycle windows,
version and as-of date), a one-glance chart per cycle, then per cycle ("Current cycle",
"Previous cycle") the Category 1 and 2 subtotals, the requirement summary, the caps that applied
and every entry, then the one-time requirements with the evidence that met them, and last the
physician's attestation block (name, license, date and signature lines). Every page carries
"Page X of Y" and "cmelog <version> - as of <date>".

The package: ``theme`` (geometry, embedded fonts, colours, styles), ``fontcache`` (ReportLab's
parsed fonts kept between runs), ``flow`` (the page flow: blocks placed down one frame per page,
split across pages), ``blocks`` (paragraphs with inline markup, small tables), ``layout``
(generic text wrapping, chunked fixed-column tables, numbered pages) and ``sections`` (the CME
content). Only ReportLab's canvas is used, not its platypus layer.

Bytes are deterministic when ``SOURCE_DATE_EPOCH`` is set: the document is built with
ReportLab's invariant mode (fixed document id) and ReportLab takes its timestamps from that
variable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

# first, before ReportLab: importing it defers Pillow, which ReportLab imports and we never use
from cmelog.render.pdf import pillow  # noqa: F401  # isort: skip

from reportlab.lib.pagesizes import letter

from cmelog.domain.report import AuditReport, Undrawable, undrawable
from cmelog.render.pdf.flow import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Spacer,
    build,
)
from cmelog.render.pdf.layout import (
    Measure,
    NumberedCanvas,
    Progress,
    can_draw,
    clean,
    reproducible,
    valid_source_date_epoch,
)
from cmelog.render.pdf.sections import (
    CHUNK_ROWS,
    attestation_block,
    chart,
    cycle_section,
    one_time_section,
    p,
    title_block,
    window_text,
)
from cmelog.render.pdf.theme import (
    BODY_H,
    BODY_SIZE,
    BODY_W,
    FONT,
    MARGIN_BOTTOM,
    MARGIN_X,
    REPLACEMENT,
    register_fonts,
)

_Measure = Measure  # the name tests and benchmarks have used

__all__ = ["render_pdf", "undrawable_characters", "CHUNK_ROWS", "REPLACEMENT", "Measure"]


def undrawable_characters(report: AuditReport) -> list[Undrawable]:
    """The texts of `report` holding characters the embedded font cannot draw."""
    register_fonts()
    return undrawable(report, can_draw)


def render_pdf(
    report: AuditReport, out: BinaryIO, *, progress: Callable[[int], None] | None = None
) -> None:
    """Write the audit record of `report` as a PDF to `out`.

    `progress`, when given, is called now and then with the number of entries laid out so far
    (last with the total of all cycles' entries).
    """
    register_fonts()
    m = Measure()
    tracker = Progress(progress)
    profile = report.profile
    name = clean(profile.name)
    license_no = clean(profile.license)
    version = clean(report.version)
    as_of = report.as_of.isoformat()

    story: list[Flowable] = title_block(report)
    if report.cycles:
        charts: list[Flowable] = [chart(m, report, cycle) for cycle in report.cycles]
        # the heading goes with the first chart, not alone at the foot of the page
        story += [Spacer(1, 14), KeepTogether([p("At a glance", "h1"), charts[0]])]
        for k, c in enumerate(charts):
            story += [c, Spacer(1, 10)] if k else [Spacer(1, 10)]
    for i, cycle in enumerate(report.cycles):
        story.append(PageBreak() if i > 0 else CondPageBreak(260))
        story += cycle_section(m, report, cycle, tracker)
    story += [CondPageBreak(200), Spacer(1, 12), *one_time_section(report, report.one_time)]
    story += [CondPageBreak(160), Spacer(1, 18), *attestation_block(report)]

    windows = "; ".join(f"{c.label} cycle {window_text(c)}" for c in report.cycles)
    with valid_source_date_epoch():
        canv = NumberedCanvas(
            out,
            pagesize=letter,
            invariant=1 if reproducible() else None,
            initialFontName=FONT,  # else every page names Helvetica, a font it never uses
            initialFontSize=BODY_SIZE,
            footer_left=m.fit(f"{name} \u2013 license {license_no}", FONT, BODY_SIZE, 190),
            footer_mid=f"cmelog {version} - as of {as_of}",
        )
        canv.setAuthor(name)
        canv.setTitle(f"CME audit record: {name}, license {license_no}")
        canv.setSubject(
            f"Continuing medical education record for the {clean(report.board_name)}, "
            f"as of {as_of} ({windows})"
        )
        canv.setCreator(f"cmelog {version}")
        canv.setKeywords(["CME", "audit", license_no])
        build(story, canv, x=MARGIN_X, y=MARGIN_BOTTOM, width=BODY_W, height=BODY_H)
    total = sum(len(c.entries) for c in report.cycles)
    if progress is not None and tracker.done != total:
        progress(total)
