"""The parsed fonts kept between runs (issue 13): the first export stores ReportLab's reading of
each embedded font in the user's cache folder, later ones load it instead of parsing the file,
and the PDF is the same byte for byte; a damaged or unwritable cache never fails an export."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cmelog.render.pdf import fontcache
from cmelog.render.pdf.theme import FONT_DIR, FONT_FILES
from tests.conftest import CMELOG_EXE, JANE

REGULAR = FONT_DIR / FONT_FILES["CmelogSans"]


def test_a_cached_font_is_the_parsed_font() -> None:
    parsed = fontcache.load_font("A", REGULAR)  # parses, then stores
    stored = list(fontcache.cache_dir().glob("*.marshal"))
    assert len(stored) == 1 and REGULAR.stem in stored[0].name
    cached = fontcache.load_font("A", REGULAR)
    assert vars(cached).keys() == vars(parsed).keys()
    skip = ("_pdfScale", "_ttf_data", "glyphToChar", fontcache._GLYPH_TO_CHAR)
    assert {k: v for k, v in vars(cached.face).items() if k not in skip} == {
        k: v for k, v in vars(parsed.face).items() if k not in skip
    }
    assert isinstance(cached.face, fontcache.CachedFace)
    assert fontcache._GLYPH_TO_CHAR in vars(cached.face)  # not decoded until used
    assert cached.face.glyphToChar == parsed.face.glyphToChar
    cached.face.glyphToChar.setdefault(99_999, []).append(0xF000)  # as HarfBuzz shaping does
    assert cached.face.glyphToChar[99_999] == [0xF000]
    assert cached.face._ttf_data == parsed.face._ttf_data == REGULAR.read_bytes()
    assert cached.face._pdfScale(1234) == parsed.face._pdfScale(1234)
    assert cached.face.name.ustr == parsed.face.name.ustr


def test_a_later_export_loads_the_fonts_without_parsing_and_writes_the_same_pdf(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["SOURCE_DATE_EPOCH"] = "1767225600"
    subprocess.run([str(CMELOG_EXE), *JANE], env=env, check=True, capture_output=True)
    subprocess.run(
        [str(CMELOG_EXE), "add", "Grand rounds", "--date", "2025-02-03", "--category", "1",
         "--credits", "2", "--provider", "Ośrodek Ζωή"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip

    def export(name: str, forbid_parsing: bool) -> bytes:
        out = tmp_path / name
        code = (
            "import sys\n"
            + (
                "from reportlab.pdfbase import ttfonts\n"
                "def refuse(*a, **k):\n    raise SystemExit('a font was parsed')\n"
                "ttfonts.TTFontFile.__init__ = refuse\n"
                if forbid_parsing
                else ""
            )
            + "from cmelog.cli import main\n"
            f"sys.argv = ['cmelog', 'audit-export', '--as-of', '2026-01-10', '-o', {str(out)!r}]\n"
            "main()\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        return out.read_bytes()

    first = export("first.pdf", forbid_parsing=False)  # parses both fonts and stores them
    assert len(list(fontcache.cache_dir().glob("*.marshal"))) == 2
    assert export("second.pdf", forbid_parsing=True) == first


def test_a_damaged_cache_file_is_parsed_again_and_replaced() -> None:
    fontcache.load_font("A", REGULAR)
    (stored,) = fontcache.cache_dir().glob("*.marshal")
    stored.write_bytes(b"not marshal data at all")
    font = fontcache.load_font("A", REGULAR)
    assert font.face.charWidths
    assert fontcache.load_font("A", REGULAR).face.charWidths == font.face.charWidths
    assert stored.read_bytes() != b"not marshal data at all"


def test_a_cache_folder_that_cannot_be_written_fails_nothing() -> None:
    blocker = fontcache.cache_dir().parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the cache folder should be")
    font = fontcache.load_font("A", REGULAR)
    assert font.face.charWidths
    assert blocker.read_text() == "a file where the cache folder should be"
