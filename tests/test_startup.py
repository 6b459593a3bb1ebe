"""Fast start: the CLI module, `--help` and `--version` never load the heavy libraries."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cmelog
from tests.conftest import CMELOG_EXE, JANE

HEAVY = ("sqlalchemy", "sqlmodel", "reportlab", "icalendar", "pypdf", "apprise", "pydantic")
# --help, --version and importing the CLI do not open the logbook, nor build domain records
START_ONLY = (*HEAVY, "sqlite3", "msgspec")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["CMELOG_DB"] = str(tmp_path / "logbook" / "cmelog.db")
    return env


def imported_modules(
    args: list[str], tmp_path: Path
) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Top-level packages imported by the installed entry point run with `args`."""
    assert CMELOG_EXE.exists(), "the cmelog entry point is not installed (pip install -e .)"
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", str(CMELOG_EXE), *args],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=120,
    )
    modules = set()
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+\d+ \| (\s*)([\w.]+)$", line)
        if m:
            modules.add(m.group(2).split(".")[0])
    return modules, proc


def test_importing_the_cli_is_light() -> None:
    code = (
        f"import sys, cmelog.cli\nprint(','.join(m for m in {START_ONLY!r} if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_help_loads_no_heavy_library(tmp_path: Path) -> None:
    modules, proc = imported_modules(["--help"], tmp_path)
    assert proc.returncode == 0
    assert "Usage" in proc.stdout and "add" in proc.stdout
    assert "typer" in modules and "cmelog" in modules  # the measurement itself works
    assert modules.isdisjoint(START_ONLY), modules & set(START_ONLY)


def test_command_help_loads_no_heavy_library(tmp_path: Path) -> None:
    modules, proc = imported_modules(["add", "--help"], tmp_path)
    assert proc.returncode == 0
    assert "--minutes" in proc.stdout
    assert modules.isdisjoint(HEAVY), modules & set(HEAVY)


def test_version_loads_no_heavy_library(tmp_path: Path) -> None:
    modules, proc = imported_modules(["--version"], tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == f"cmelog {cmelog.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", cmelog.__version__)
    assert modules.isdisjoint(START_ONLY), modules & set(START_ONLY)


def test_measurement_sees_the_database_layer_when_it_is_used(tmp_path: Path) -> None:
    """Control: a command that writes the logbook does load SQLAlchemy, and importtime shows it."""
    env = _env(tmp_path)
    init = subprocess.run([str(CMELOG_EXE), *JANE], capture_output=True, text=True, env=env)
    assert init.returncode == 0, init.stderr
    add = ["add", "Control", "--date", "2025-01-02", "--category", "2", "--credits", "1"]
    modules, proc = imported_modules(add, tmp_path)
    assert proc.returncode == 0
    assert "sqlalchemy" in modules
    assert "pydantic" in modules  # SQLModel's models are pydantic models


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--as-of", "2026-01-10"],
        ["list", "--json"],
        ["show", "1"],
        ["profile", "--json"],
    ],
)
def test_read_only_commands_do_not_load_sqlalchemy(tmp_path: Path, args: list[str]) -> None:
    """Reads run in plain SQL on a read-only connection: no SQLAlchemy start-up cost."""
    env = _env(tmp_path)
    for cmd in (JANE, ["add", "A", "--date", "2025-01-02", "--category", "2", "--credits", "1"]):
        done = subprocess.run([str(CMELOG_EXE), *cmd], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
    modules, proc = imported_modules(args, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "sqlalchemy" not in modules and "sqlmodel" not in modules
    # Typer checks option values with pydantic unless cmelog._click lets plain text through
    assert "pydantic" not in modules
    # temp names (secrets, with hmac/hashlib) and certificate hashing are for writes only
    assert "secrets" not in modules and "hmac" not in modules
    if "--json" not in args:  # the json module is for --json output only
        assert "json" not in modules
    # the e-mail library is for reminders only (issue 11)
    assert "apprise" not in modules


def test_apprise_is_loaded_only_to_send_mail(tmp_path: Path) -> None:
    """Control for the guard above: a reminder sent by e-mail does load apprise."""
    env = _env(tmp_path)
    for cmd in (JANE, ["channel", "add", "smtp://127.0.0.1:9?from=a@x.org&to=b@x.org&tls=none"]):
        done = subprocess.run([str(CMELOG_EXE), *cmd], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
    modules, proc = imported_modules(["remind", "--record", "--as-of", "2026-06-10"], tmp_path)
    assert proc.returncode == 1  # nothing listens on port 9: not delivered
    assert "apprise" in modules


def _built(group: Any) -> list[str]:
    """Names of the subcommands the lazy group has built so far."""
    from cmelog.commands.common import LazyCommands

    assert isinstance(group.commands, LazyCommands)
    return [name for name in group.commands if dict.get(group.commands, name) is not None]


def _invoke(group: Any, args: list[str]) -> Any:
    """CliRunner on a click group (Typer's runner takes the app and builds it)."""
    import typer.testing

    from cmelog.cli import app

    build = typer.testing._get_command  # type: ignore[attr-defined]
    typer.testing._get_command = lambda _app: group  # type: ignore[attr-defined]
    try:
        return typer.testing.CliRunner().invoke(
            app, args, prog_name="cmelog", env={"COLUMNS": "80"}
        )
    finally:
        typer.testing._get_command = build  # type: ignore[attr-defined]


def test_help_lists_every_command_without_building_them() -> None:
    """`cmelog --help` builds no command's parameters, yet reads exactly like Typer's own."""
    import typer

    from cmelog.cli import app, get_command

    lazy = get_command()
    shown = _invoke(lazy, ["--help"])
    assert shown.exit_code == 0, shown.output
    assert _built(lazy) == []
    eager = _invoke(typer.main.get_command(app), ["--help"])
    assert shown.output == eager.output
    bare = _invoke(get_command(), [])
    assert bare.output == _invoke(typer.main.get_command(app), []).output
    assert bare.output.count("Usage:") == 1  # bare `cmelog` prints the help once


def test_a_command_builds_only_itself(tmp_path: Path) -> None:
    from cmelog.cli import get_command

    lazy = get_command()
    shown = _invoke(lazy, ["--db", str(tmp_path / "none.db"), "status", "--help"])
    assert shown.exit_code == 0, shown.output
    assert _built(lazy) == ["status"]
    assert "--as-of" in shown.output and "Examples" in shown.output
    typo = _invoke(get_command(), ["stauts"])
    assert typo.exit_code == 2 and "Did you mean 'status'" in typo.output


def test_the_program_skips_the_garbage_walk_at_exit(tmp_path: Path) -> None:
    """Python's last garbage collection at exit walks every live object (30-70 ms after a PDF
    export); `cmelog` freezes them when it ends, so nothing is walked for nothing."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen:', gc.get_freeze_count() > 0))\n"
        "sys.argv = ['cmelog', '--version']\n"
        "from cmelog.cli import main\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(tmp_path)
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "frozen: True"
