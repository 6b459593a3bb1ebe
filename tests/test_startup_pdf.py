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
# is cmelog's own: importing platypus compiles a regular expression for links, about 40 ms).
NOT_ON_THE_PDF_PATH = (
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
