"""Fast import: `cmelog import` of a CSV into a current-schema logbook stores its rows through
plain sqlite3 and never loads SQLAlchemy, SQLModel or pydantic (issue 13)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

EXE = Path(sys.executable).parent / "cmelog"
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic")
JANE = [
    "init", "--name", "Jane Roe, MD", "--birthday", "1975-06-15", "--license", "123456",
    "--license-expires", "2026-06-15",
]  # fmt: skip


def _run(args: list[str], db: Path, importtime: bool = False) -> subprocess.CompletedProcess[str]:
    assert EXE.exists(), "the cmelog entry point is not installed (pip install -e .)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["CMELOG_DB"] = str(db)
    command = [sys.executable, *(["-X", "importtime"] if importtime else []), str(EXE), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def _loaded(proc: subprocess.CompletedProcess[str]) -> set[str]:
    """Top-level packages named in `python -X importtime`'s report on stderr."""
    found = set()
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+\d+ \| (\s*)([\w.]+)$", line)
        if m:
            found.add(m.group(2).split(".")[0])
    return found


@pytest.fixture
def logbook(tmp_path: Path) -> Path:
    db = tmp_path / "logbook" / "cmelog.db"
    assert _run(JANE, db).returncode == 0
    return db


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "small.csv"
    path.write_text("date,title,provider,category,credits,topics\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("extra", [[], ["--dry-run"]])
def test_import_of_a_csv_loads_no_sqlalchemy(
    tmp_path: Path, logbook: Path, extra: list[str]
) -> None:
    src = _csv(tmp_path, "2025-01-01,Grand rounds,Hospital,1,1,ehr", "2025-02-01,Reading,,2,0.5,")
    proc = _run(["import", str(src), *extra], logbook, importtime=True)
    assert proc.returncode == 0, proc.stderr
    assert "2 entries from small.csv" in proc.stdout
    assert _loaded(proc).isdisjoint(HEAVY), sorted(_loaded(proc) & set(HEAVY))
    assert "sqlite3" in _loaded(proc)  # the report is read right: the logbook was opened
    con = sqlite3.connect(logbook)
    try:
        stored = con.execute("SELECT count(*) FROM entry").fetchone()[0]
    finally:
        con.close()
    assert stored == (0 if extra else 2)


def test_a_refused_import_loads_no_sqlalchemy_either(tmp_path: Path, logbook: Path) -> None:
    src = _csv(tmp_path, "2025-01-01,Grand rounds,Hospital,1,1,ehr", "2025-13-01,Bad,,2,1,")
    proc = _run(["import", str(src)], logbook, importtime=True)
    assert proc.returncode == 2
    assert "line 3" in proc.stderr
    assert _loaded(proc).isdisjoint(HEAVY)
