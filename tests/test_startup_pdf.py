"""Fast audit PDF (issue 13): what `audit-export` loads to write the PDF."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CMELOG_EXE, JANE

# Never needed to write the PDF: the storage layer's ORM, the PDF reader, the terminal UI (no
# progress bar on a pipe), what xml.sax.saxutils would bring in (urllib, http, ssl, email) and
# what only the bundle uses (zipfile, json), and ReportLab's platypus and graphics (the page flow
# is cmelog's own: importing platypus compiles a regular expression for links, about 40 ms), and
# Pillow's image module, which ReportLab imports for bitmaps the record never has (12-20 ms).
NOT_ON_THE_PDF_PATH = (
    "PIL._imaging",
    "PIL.ExifTags",
    "typing_extensions",  # msgspec's, for type hints cmelog's records never read (structs.py)
    "reportlab.platypus",
    "reportlab.graphics",
    "zipfile",
    "json",
    "sqlalchemy",
    "sqlmodel",
    "pydantic",
    "pypdf",
    "rich",
    "xml.sax.saxutils",
    "urllib.request",
    "http.client",
    "ssl",
    "email.parser",
)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["CMELOG_DB"] = str(tmp_path / "logbook" / "cmelog.db")
    return env


def test_pdf_export_loads_nothing_it_does_not_use(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run([str(CMELOG_EXE), *JANE], env=env, check=True, capture_output=True)
    subprocess.run(
        [str(CMELOG_EXE), "add", "Grand rounds", "--date", "2025-02-03", "--category", "1",
         "--credits", "2", "--provider", "MMS"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    out = tmp_path / "audit.pdf"
    code = (
        "import sys\n"
        "from cmelog.cli import main\n"
        f"sys.argv = ['cmelog', 'audit-export', '--as-of', '2026-01-10', '-o', {str(out)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        f"print('loaded:', ','.join(m for m in {NOT_ON_THE_PDF_PATH!r} if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert proc.stdout.splitlines()[-1] == "loaded: "


def test_pillow_deferred_by_the_pdf_package_still_works_when_used(tmp_path: Path) -> None:
    """The lazy PIL.Image is the whole module on first use: ReportLab draws a bitmap with it."""
    out = tmp_path / "image.pdf"
    code = (
        "import sys\n"
        "import cmelog.render.pdf\n"
        "assert 'PIL._imaging' not in sys.modules\n"
        "from PIL import Image\n"
        "from reportlab.lib.utils import ImageReader\n"
        "from reportlab.pdfgen.canvas import Canvas\n"
        "img = Image.new('RGB', (4, 3), (200, 10, 10))\n"
        "assert 'PIL._imaging' in sys.modules\n"
        "c = Canvas(sys.argv[1])\n"
        "c.drawImage(ImageReader(img), 10, 10, 40, 30)\n"
        "c.save()\n"
        "print(ImageReader(img).getSize())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(out)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "(4, 3)"
    assert b"/Subtype /Image" in out.read_bytes()


def test_pillow_already_imported_is_left_as_it_is() -> None:
    code = (
        "import sys\n"
        "import PIL.Image\n"
        "real = sys.modules['PIL.Image']\n"
        "import cmelog.render.pdf\n"
        "assert sys.modules['PIL.Image'] is real\n"
        "assert type(real).__name__ == 'module'\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
