"""Light reads (issue 13): `list` in a pipe and `show ID` load neither the ORM, pydantic nor Rich;
plain `list` and `show ID` neither the domain model nor the rules."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CMELOG_EXE

NEVER = ("sqlalchemy", "sqlmodel", "pydantic", "rich")
NEVER_OWN = ("cmelog.domain.model", "cmelog.domain.rules", "cmelog.rules", "tomllib")


def imported(args: list[str], db: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Every module the installed entry point imports when run with `args`, stdout a pipe."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.pop("FORCE_COLOR", None)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", str(CMELOG_EXE), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    modules = set()
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+\d+ \| \s*([\w.]+)$", line)
        if m:
            modules.add(m.group(1))
    return modules, proc


@pytest.fixture
def book(jane: Callable[..., Any], db_path: Path) -> Path:
    for args in (
        ["Opioid course", "--date", "2025-01-10", "--category", "1", "--credits", "3",
         "--provider", "MMS", "--topic", "opioids-pain-management"],
        ["Reading", "--date", "2024-11-01", "--category", "2", "--minutes", "95"],
    ):  # fmt: skip
        assert jane("add", *args).exit_code == 0
    return db_path


@pytest.mark.parametrize(
    "args",
    [["list"], ["list", "--category", "1"], ["list", "--from", "2024-01-01"], ["show", "1"]],
)
def test_light_reads_load_no_orm_pydantic_rich_model_or_rules(book: Path, args: list[str]) -> None:
    modules, proc = imported(args, book)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout
    tops = {m.split(".")[0] for m in modules}
    assert not tops & set(NEVER), sorted(tops & set(NEVER))
    if args in (["list"], ["show", "1"]):  # --category and --from parse with the domain's code
        assert not modules & set(NEVER_OWN), sorted(modules & set(NEVER_OWN))


@pytest.mark.parametrize("args", [["status"], ["status", "--json"], ["status", "--license", "MA"]])
def test_status_off_a_terminal_loads_no_rich(book: Path, args: list[str]) -> None:
    """Off a terminal the dashboard is plain text written by render.page, and --json needs no
    Rich either (about 35 ms of start-up); on a terminal, and with --explain, Rich draws it."""
    modules, proc = imported([*args, "--as-of", "2026-01-10"], book)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Next steps" in proc.stdout or "requirements" in proc.stdout
    assert not {m.split(".")[0] for m in modules} & {"rich", "sqlalchemy", "pydantic"}
    explained, proc = imported(["status", "--explain", "--as-of", "2026-01-10"], book)
    assert proc.returncode == 0 and "rich" in {m.split(".")[0] for m in explained}
