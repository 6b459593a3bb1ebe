"""Guarded outputs, modes, --db and CMELOG_BUSY_TIMEOUT, control characters (issue 10)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmelog.errors import CmelogError

Cli = Callable[..., Any]


def _add(cli: Cli, *extra: str) -> Any:
    return cli("add", "Course", "--date", "2025-01-10", "--category", "2", "--credits", "1", *extra)


def _write(data: bytes) -> Callable[[Any], None]:
    return lambda fh: fh.write(data)


@pytest.mark.parametrize(
    "args",
    [
        ("audit-export", "--format", "csv", "-o"),
        ("audit-export", "-o"),
        ("calendar", "--output"),
    ],
)
def test_an_output_never_replaces_the_logbook_even_with_force(
    jane: Cli, db_path: Path, args: tuple[str, ...]
) -> None:
    assert _add(jane).exit_code == 0
    before = db_path.read_bytes()
    for force in ([], ["--force"]):
        result = jane(*args, str(db_path), *force)
        assert result.exit_code in (1, 2), result.stdout
        assert db_path.read_bytes() == before
    assert jane("list", "--json").exit_code == 0


def test_atomic_write_refuses_the_logbook_its_journal_and_certificates(
    jane: Cli, db_path: Path, tmp_path: Path
) -> None:
    cert = tmp_path / "c.pdf"
    cert.write_bytes(b"%PDF-1.4 x")
    assert _add(jane, "--certificate", str(cert)).exit_code == 0
    stored = next((db_path.parent / "certificates").iterdir())
    link = tmp_path / "link.db"
    link.symlink_to(db_path)
    hard = tmp_path / "hard.db"
    os.link(db_path, hard)
    dotdot = db_path.parent / ".." / db_path.parent.name / db_path.name
    targets = [
        db_path,
        db_path.with_name(db_path.name + "-journal"),
        db_path.with_name(db_path.name + "-wal"),
        stored,
        db_path.parent / "certificates" / "new.pdf",
        link,
        hard,
        dotdot,
    ]
    from cmelog.services.files import atomic_write

    before = db_path.read_bytes()
    for target in targets:
        with pytest.raises(CmelogError) as info:
            atomic_write(target, _write(b"x"), force=True, protect=db_path)
        assert "Refusing" in info.value.message
    assert db_path.read_bytes() == before
    assert stored.read_bytes() == b"%PDF-1.4 x"
    assert not (db_path.parent / "certificates" / "new.pdf").exists()


def test_atomic_write_replaces_only_with_force_and_writes_mode_0600(tmp_path: Path) -> None:
    from cmelog.services.files import atomic_write

    old_umask = os.umask(0)
    try:
        target = tmp_path / "new" / "deeper" / "out.csv"
        atomic_write(target, _write(b"one"))
        assert target.stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
        assert (tmp_path / "new" / "deeper").stat().st_mode & 0o777 == 0o700
        target.chmod(0o644)
        with pytest.raises(CmelogError) as info:
            atomic_write(target, _write(b"two"))
        assert "--force" in info.value.message
        assert target.read_bytes() == b"one"
        atomic_write(target, _write(b"two"), force=True)
        assert target.read_bytes() == b"two"
        assert target.stat().st_mode & 0o777 == 0o600
        assert [p.name for p in target.parent.iterdir()] == ["out.csv"]
    finally:
        os.umask(old_umask)


def test_export_over_an_existing_file_needs_force(jane: Cli, tmp_path: Path) -> None:
    target = tmp_path / "mine.ics"
    target.write_text("my own calendar")
    result = jane("calendar", "--output", str(target))
    assert result.exit_code == 1
    assert target.read_text() == "my own calendar"


def test_an_export_never_replaces_another_cmelog_logbook(jane: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert jane("--db", str(other), "init", "--name", "X", "--birthday", "1970-01-01",
                "--license", "1", "--license-expires", "2026-06-15").exit_code == 0  # fmt: skip
    from cmelog.services.files import guard

    with pytest.raises(CmelogError):
        guard(other, force=True, protect=None)


def test_empty_db_option_is_exit_2(jane: Cli) -> None:
    for args in (("--db", "", "status"), ("--db", "", "list"), ("--db", "", "backup")):
        result = jane(*args)
        assert result.exit_code == 2, result.stderr
        assert "--db" in result.stderr


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "inf", "1e3", "", " ", "5s"])
def test_invalid_busy_timeout_is_exit_2(jane: Cli, value: str) -> None:
    result = jane("status", env={"CMELOG_BUSY_TIMEOUT": value})
    assert result.exit_code == 2, (value, result.stderr)
    assert "CMELOG_BUSY_TIMEOUT" in result.stderr


@pytest.mark.parametrize("value", ["0", "2.5", "60", ".5"])
def test_valid_busy_timeout_is_accepted(jane: Cli, value: str) -> None:
    assert jane("list", env={"CMELOG_BUSY_TIMEOUT": value}).exit_code == 0


def test_an_empty_file_becomes_the_logbook_mode_0600(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    empty.chmod(0o644)
    result = cli("--db", str(empty), "init", "--name", "X", "--birthday", "1970-01-01",
                 "--license", "1", "--license-expires", "2026-06-15")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert empty.stat().st_mode & 0o777 == 0o600


def test_a_dangling_symlink_becomes_the_logbook_through_the_link(cli: Cli, tmp_path: Path) -> None:
    real = tmp_path / "real" / "cme.db"
    real.parent.mkdir()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    old_umask = os.umask(0o022)
    try:
        result = cli("--db", str(link), "init", "--name", "X", "--birthday", "1970-01-01",
                     "--license", "1", "--license-expires", "2026-06-15")  # fmt: skip
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert real.is_file()
    assert real.stat().st_mode & 0o777 == 0o600
    assert cli("--db", str(link), "profile", "--json").exit_code == 0


@pytest.mark.parametrize(
    ("field", "args"),
    [
        ("TITLE", ("add", "Evil\x1b]0;pwned\x07", "--date", "2025-01-01", "--category", "2",
                   "--credits", "1")),
        ("--provider", ("add", "T", "--date", "2025-01-01", "--category", "1", "--credits",
                        "1", "--provider", "A\x1b[2JB")),
        ("--notes", ("add", "T", "--date", "2025-01-01", "--category", "2", "--credits", "1",
                     "--notes", "line\nbreak")),
        ("--notes", ("add", "T", "--date", "2025-01-01", "--category", "2", "--credits", "1",
                     "--notes", "cr\rhere")),
        ("--url", ("add", "T", "--date", "2025-01-01", "--category", "2", "--credits", "1",
                   "--url", "http://x/\x9b31m")),
        ("--how", ("attest", "ehr", "--date", "2020-01-01", "--how", "x\x00y")),
    ],
)  # fmt: skip
def test_control_characters_are_refused_naming_the_field(
    jane: Cli, db_path: Path, field: str, args: tuple[str, ...]
) -> None:
    result = jane(*args)
    assert result.exit_code == 2, result.stderr
    assert field in result.stderr
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT count(*) FROM entry").fetchone()[0] == 0
    finally:
        con.close()


def test_tab_is_accepted(jane: Cli) -> None:
    assert _add(jane, "--notes", "a\tb").exit_code == 0


def test_text_already_stored_is_neutralised_on_output(jane: Cli, db_path: Path) -> None:
    assert _add(jane).exit_code == 0
    assert jane("attest", "ehr", "--date", "2020-01-01", "--how", "ok").exit_code == 0
    assert jane("edit", "1", "--title", "Renamed").exit_code == 0
    con = sqlite3.connect(db_path)  # text stored by an older version or another tool
    try:
        con.execute("UPDATE attestation SET how = 'bad\x1b[2Jhow'")
        con.commit()
    finally:
        con.close()
    for args in (("attestations",), ("history",), ("attestations", "delete", "1", "--yes")):
        result = jane(*args)
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout, args
