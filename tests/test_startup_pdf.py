"""Fast audit PDF (issue 13): what `audit-export` loads to write the PDF, and the regular
expressions ReportLab's platypus would compile on import that are compiled on first use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CMELOG_EXE, JANE

# Never needed to write the PDF: the storage layer's ORM, the PDF reader, the terminal UI (no
# progress bar on a pipe), what xml.sax.saxutils would bring in (urllib, http, ssl, email) and
# what only the bundle uses (zipfile, json).
NOT_ON_THE_PDF_PATH = (
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


def test_platypus_patterns_compile_on_first_use_and_match_as_compiled() -> None:
    code = (
        "import re, json\n"
        "compile = re.compile\n"
        "import cmelog.render.pdf\n"
        "from reportlab.lib import textsplit\n"
        "from reportlab.platypus import paragraph\n"
        "from cmelog.render.pdf._platypus import LazyPattern\n"
        "lazy = [isinstance(p, LazyPattern) for p in (paragraph.uri_pat, textsplit.rx)]\n"
        "lazy.append(isinstance(paragraph._hy_letters_pat, LazyPattern))\n"
        "real = re.compile(paragraph.uri_pat.pattern, paragraph.uri_pat.flags)\n"
        "uris = ['https://example.com/a?b=1', 'http://Ärzte.de/x', 'not a uri', 'ftp://1.2.3.4']\n"
        "same = [bool(paragraph.uri_pat.match(u)) == bool(real.match(u)) for u in uris]\n"
        "cjk = textsplit.rx.sub(r'\\1\\0 ', 'ab 王小明 cd')\n"
        "print(json.dumps([re.compile is compile, lazy, same, cjk]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    restored, lazy, same, cjk = json.loads(proc.stdout)
    assert restored, "re.compile is ReportLab's own again after the import"
    assert lazy == [True, True, False]  # only the classes running to U+FFFF wait
    assert same == [True, True, True, True]
    assert cjk == "ab 王\x00 小\x00 明\x00  cd"
