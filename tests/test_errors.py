"""Failures are one sentence naming the bad value and what is accepted (cli.md, Exit codes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def test_missing_logbook_names_the_path_and_creates_nothing(
    cli: Callable[..., Any], db_path: Path
) -> None:
    result = cli("status")
    assert result.exit_code == 1
    assert str(db_path) in result.stderr
    assert "cmelog init" in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert not db_path.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--as-of", "9999-12-31"),
        ("status", "--as-of", "0001-01-01"),
        ("list", "--cycle", "current", "--as-of", "9999-12-31"),
        ("audit-export", "--as-of", "9999-12-31"),
        ("add", "X", "--date", "9999-12-31", "--category", "2", "--credits", "1"),
    ],
)
def test_dates_out_of_range_are_usage_errors(
    jane: Callable[..., Any], args: tuple[str, ...]
) -> None:
    result = jane(*args)
    assert result.exit_code == 2, result.stderr
    assert "out of range" in result.stderr
    assert "Unexpected" not in result.stderr


def test_crontab_line_keeps_every(jane: Callable[..., Any], db_path: Path) -> None:
    result = jane("remind", "--crontab", "--every", "--days", "30")
    assert result.exit_code == 0
    line = result.stdout.strip()
    assert line.endswith("remind --days 30 --every")
    assert f"--db {db_path}" in line


def test_unknown_option_is_exit_2_with_one_line(jane: Callable[..., Any]) -> None:
    result = jane("add", "X", "--categry", "2")
    assert result.exit_code == 2
    assert "--categry" in result.stderr
    assert result.stderr.count("\n") == 1


def test_debug_env_shows_traceback_only_when_set(jane: Callable[..., Any]) -> None:
    quiet = jane("show", "999")
    assert quiet.exit_code == 1
    assert "Traceback" not in quiet.stderr
    assert "999" in quiet.stderr
