"""Shared fixtures: an isolated logbook per test, the CLI in-process and as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from typer.testing import CliRunner

from cmelog.cli import app

# Typer's CliRunner rebuilds the click command from the Typer app on every invoke (about 0.1 s
# for cmelog's 30 commands); the command is stateless, so build it once per app.
_build_command = typer.testing._get_command
_commands: dict[int, Any] = {}


def _cached_command(typer_app: Any) -> Any:
    if id(typer_app) not in _commands:
        _commands[id(typer_app)] = _build_command(typer_app)
    return _commands[id(typer_app)]


typer.testing._get_command = _cached_command  # type: ignore[attr-defined]

CMELOG_EXE = Path(sys.executable).parent / "cmelog"

JANE = [
    "init",
    "--name",
    "Jane Roe, MD",
    "--birthday",
    "1975-06-15",
    "--license",
    "123456",
    "--license-expires",
    "2026-06-15",
]


@pytest.fixture(autouse=True)
def _isolated_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test ever touches the user's real logbook or inherits colour settings."""
    monkeypatch.setenv("CMELOG_DB", str(tmp_path / "logbook" / "cmelog.db"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home" / ".cache"))
    monkeypatch.delenv("CMELOG_DEBUG", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    # a relative output (the default export name) lands in the test's folder, never the repo
    # (a folder of its own, beside tmp_path: tests list tmp_path's contents)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "logbook" / "cmelog.db"


@pytest.fixture
def cli() -> Callable[..., Any]:
    """Run cmelog in-process; returns the click Result (stdout, stderr, exit_code apart)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def jane(cli: Callable[..., Any]) -> Callable[..., Any]:
    """A logbook with Jane's profile (renews 2026-06-15); returns the cli runner."""
    result = cli(*JANE)
    assert result.exit_code == 0, result.stderr
    return cli


@pytest.fixture
def run_exe() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed `cmelog` entry point as a subprocess."""
    exe = str(CMELOG_EXE) if CMELOG_EXE.exists() else shutil.which("cmelog")
    assert exe, "the cmelog entry point is not installed (pip install -e .)"

    def run(
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [exe, *args],
            input=input,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=timeout,
        )

    return run
