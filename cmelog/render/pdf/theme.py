"""The look of the audit PDF: page geometry, the embedded fonts, colours and paragraph styles.

The fonts are DejaVu Sans Condensed (regular and bold) shipped in ``fonts/`` with their licence,
embedded as TrueType subsets so that Latin Extended, Greek and Cyrillic names print. They are
registered with ReportLab on first use (importing this module reads no font file); ReportLab's
reading of them is kept in the user's cache folder between runs (`fontcache.py`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle

# --- page geometry --------------------------------------------------------------------------

PAGE_W, PAGE_H = letter
MARGIN_X = 36.0
MARGIN_TOP = 40.0
MARGIN_BOTTOM = 54.0
BODY_W = PAGE_W - 2 * MARGIN_X  # 540 points
BODY_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM

# --- fonts ----------------------------------------------------------------------------------

FONT = "CmelogSans"
FONT_BOLD = "CmelogSans-Bold"
FONT_FILES = {FONT: "DejaVuSansCondensed.ttf", FONT_BOLD: "DejaVuSansCondensed-Bold.ttf"}
FONT_DIR = Path(__file__).with_name("fonts")
REPLACEMENT = "?"  # drawn instead of a character the font has no glyph for

BODY_SIZE = 8.0  # the smallest text of the document (the issue: body text at least 8 pt)
SMALL_SIZE = 8.0
HEAD_SIZE = 8.0
LEADING = 1.2


@cache
def register_fonts() -> frozenset[int]:
    """Register the embedded fonts once; returns the code points the regular font can draw."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    from cmelog.render.pdf.fontcache import load_font

    faces = {}
    for name, file in FONT_FILES.items():
        font = load_font(name, FONT_DIR / file)
        pdfmetrics.registerFont(font)
        faces[name] = font
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    return frozenset(faces[FONT].face.charToGlyph.keys() & faces[FONT_BOLD].face.charToGlyph.keys())


# --- colours --------------------------------------------------------------------------------

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#52606D")
RULE = colors.HexColor("#9AA5B1")
LIGHT_RULE = colors.HexColor("#D9E2EC")
HEAD_BG = colors.HexColor("#243B53")
HEAD_FG = colors.white
ZEBRA = colors.HexColor("#F0F4F8")
OK = colors.HexColor("#1E7B45")
BAD = colors.HexColor("#B42318")
WARN = colors.HexColor("#A15C07")
BAR_BG = colors.HexColor("#E4E7EB")
BAR_OK = colors.HexColor("#3F9A64")
BAR_SHORT = colors.HexColor("#E0882B")

OK_HEX = "#1E7B45"
BAD_HEX = "#B42318"
WARN_HEX = "#A15C07"
MUTED_HEX = "#52606D"

# --- paragraph styles -----------------------------------------------------------------------


def _style(name: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
    kw.setdefault("fontName", FONT)
    kw.setdefault("textColor", INK)
    return ParagraphStyle(name, fontSize=size, leading=leading, **kw)


STYLES: dict[str, ParagraphStyle] = {
    "title": _style("title", 17, 21, fontName=FONT_BOLD),
    "subtitle": _style("subtitle", 10, 13, textColor=MUTED, spaceAfter=8),
    "h1": _style("h1", 13, 16, fontName=FONT_BOLD, spaceBefore=4, spaceAfter=4),
    "h2": _style("h2", 10, 13, fontName=FONT_BOLD, spaceBefore=8, spaceAfter=4),
    "body": _style("body", 9, 11.5),
    "small": _style("small", 8, 10),
    "muted": _style("muted", 8, 10, textColor=MUTED),
    "key": _style("key", 8.5, 11, fontName=FONT_BOLD, textColor=MUTED),
    "value": _style("value", 9.5, 12),
    "warn": _style("warn", 8, 10, textColor=WARN),
    "th": _style("th", 8, 9.5, fontName=FONT_BOLD, textColor=HEAD_FG),
    "thr": _style("thr", 8, 9.5, fontName=FONT_BOLD, textColor=HEAD_FG, alignment=2),
    "right": _style("right", 8, 10, alignment=2),
    "bullet": _style("bullet", 8, 10, leftIndent=10, bulletIndent=2),
}
