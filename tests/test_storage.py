"""The logbook file: parallel writers, file mode, foreign files left alone, schema versions."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from cmelog.storage import db as dbmod
from tests.conftest import JANE

Cli = Callable[..., Any]
ADD = ["--date", "2026-01-10", "--category", "2", "--credits", "1"]


def snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    """Bytes, mtime and the folder's contents: what 'untouched' means."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def user_version(path: Path) -> int:
    con = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        return int(con.execute("PRAGMA user_version").fetchone()[0])
    finally:
        con.close()


def titles(cli: Cli) -> list[str]:
    result = cli("list", "--json")
    assert result.exit_code == 0, result.stderr
    return [e["title"] for e in json.loads(result.stdout)]


def one_sentence(result: Any, code: int, *needles: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("cmelog: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "Unexpected error" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


# ---------------------------------------------------------------------------- concurrency


def test_forty_parallel_writers_all_succeed(
    jane: Cli, run_exe: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    def add(i: int) -> subprocess.CompletedProcess[str]:
        return run_exe("add", f"Parallel {i:02d}", *ADD, timeout=180)

    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(add, range(40)))
    for r in results:
        assert r.returncode == 0, r.stderr
        assert r.stderr == ""
        assert r.stdout.startswith("Added entry ")
    stored = titles(jane)
    assert sorted(stored) == [f"Parallel {i:02d}" for i in range(40)]
    ids = [e["id"] for e in json.loads(jane("list", "--json").stdout)]
    assert sorted(ids) == list(range(1, 41))


def test_locked_logbook_is_exit_1_and_nothing_stored(jane: Cli, db_path: Path) -> None:
    con = sqlite3.connect(db_path, isolation_level=None)
    try:
        con.execute("BEGIN EXCLUSIVE")
        result = jane("add", "Blocked", *ADD, env={"CMELOG_BUSY_TIMEOUT": "0.2"})
        one_sentence(result, 1, "locked")
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert titles(jane) == []


# ---------------------------------------------------------------------------- file mode


def test_logbook_created_with_mode_0600(jane: Cli, db_path: Path) -> None:
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_mode_0600_even_with_a_permissive_umask(
    tmp_path: Path, run_exe: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    path = tmp_path / "open" / "cmelog.db"
    old = os.umask(0)
    try:
        result = run_exe("--db", str(path), *JANE)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_certificate_copy_is_private(jane: Cli, tmp_path: Path, db_path: Path) -> None:
    cert = tmp_path / "c.pdf"
    cert.write_bytes(b"certificate")
    assert jane("add", "C", *ADD, "--certificate", str(cert)).exit_code == 0
    (stored,) = (db_path.parent / "certificates").iterdir()
    assert stat.S_IMODE(stored.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(stored.parent.stat().st_mode) & 0o077 == 0


# ---------------------------------------------------------------------------- foreign files

COMMANDS = [
    ["list"],
    ["list", "--json"],
    ["profile"],
    ["show", "1"],
    ["add", "A", *ADD],
    ["delete", "1", "--yes"],
    ["edit", "1", "--title", "X"],
    ["profile", "set", "--name", "X"],
    JANE,
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_text_file_is_not_a_logbook_and_stays_untouched(
    cli: Cli, db_path: Path, args: list[str]
) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text("Dear diary,\nthis is not a database.\n")
    before = snapshot(db_path)
    one_sentence(cli(*args), 1, str(db_path), "not a cmelog logbook")
    assert snapshot(db_path) == before


def make_foreign_db(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    con.execute("INSERT INTO contacts VALUES ('Ann', '555-0100')")
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_sqlite_db_of_another_program_stays_untouched(
    cli: Cli, db_path: Path, args: list[str]
) -> None:
    make_foreign_db(db_path)
    before = snapshot(db_path)
    one_sentence(cli(*args), 1, str(db_path), "another program")
    assert snapshot(db_path) == before


def test_truncated_sqlite_file_is_exit_1(cli: Cli, db_path: Path) -> None:
    make_foreign_db(db_path)
    db_path.write_bytes(db_path.read_bytes()[:100])  # valid header, broken body
    before = snapshot(db_path)
    one_sentence(cli("list"), 1, str(db_path))
    assert snapshot(db_path) == before


def test_a_folder_as_logbook_is_exit_1(cli: Cli, tmp_path: Path) -> None:
    one_sentence(cli("--db", str(tmp_path), "list"), 1, "folder")
    one_sentence(cli("--db", str(tmp_path), *JANE), 1, "folder")


def test_empty_file_without_profile(cli: Cli, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    one_sentence(cli("list"), 1, "cmelog init")
    assert db_path.read_bytes() == b""


def test_no_profile_creates_no_file(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    for args in (["list"], ["add", "A", *ADD], ["profile"], ["show", "1"]):
        one_sentence(cli(*args), 1, "cmelog init")
    nested = tmp_path / "a" / "b" / "c.db"
    one_sentence(cli("--db", str(nested), "list"), 1, "cmelog init")
    assert not db_path.exists() and not db_path.parent.exists()
    assert not (tmp_path / "a").exists()


# ---------------------------------------------------------------------------- schema versions


def set_pragma(path: Path, pragma: str) -> None:
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA {pragma}")
    con.commit()
    con.close()


def test_logbook_is_stamped(jane: Cli, db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == dbmod.SCHEMA_VERSION
        assert con.execute("PRAGMA application_id").fetchone()[0] == dbmod.APPLICATION_ID
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()
    assert {"profile", "entry", "attestation", "reminder"} <= tables


@pytest.mark.parametrize("args", [["list"], ["add", "A", *ADD], ["profile", "--json"], JANE])
def test_logbook_from_a_newer_cmelog_refused(jane: Cli, db_path: Path, args: list[str]) -> None:
    assert jane("add", "Kept", *ADD).exit_code == 0
    set_pragma(db_path, "user_version = 99")
    before = snapshot(db_path)
    one_sentence(jane(*args), 1, "newer cmelog", "99")
    assert snapshot(db_path) == before


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _next_statements() -> list[str]:
    return ["CREATE TABLE note_next (id INTEGER PRIMARY KEY, text TEXT)"]


CURRENT = dbmod.SCHEMA_VERSION
NEXT = CURRENT + 1


def test_older_logbook_backed_up_then_migrated(
    jane: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert jane("add", "Before the upgrade", *ADD).exit_code == 0
    v2_dump = dump(db_path)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", NEXT)
    monkeypatch.setattr(dbmod, "MIGRATIONS", [*dbmod.MIGRATIONS, (NEXT, _next_statements)])

    assert titles(jane) == ["Before the upgrade"]

    (backup,) = db_path.parent.glob(f"cmelog.db.v{CURRENT}.bak")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert user_version(backup) == CURRENT
    assert user_version(db_path) == NEXT
    con = sqlite3.connect(backup)
    assert con.execute("SELECT title FROM entry").fetchall() == [("Before the upgrade",)]
    con.close()
    assert dump(backup) == v2_dump  # the whole pre-upgrade logbook
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT count(*) FROM note_next").fetchone() == (0,)
    con.close()
    # opening again migrates nothing and writes no second backup
    assert titles(jane) == ["Before the upgrade"]
    assert len(list(db_path.parent.glob("*.bak"))) == 1


def test_failed_migration_changes_nothing(
    jane: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert jane("add", "Before the upgrade", *ADD).exit_code == 0
    v2_bytes = db_path.read_bytes()
    original = (dbmod.SCHEMA_VERSION, dbmod.MIGRATIONS)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", NEXT)
    monkeypatch.setattr(
        dbmod,
        "MIGRATIONS",
        [*dbmod.MIGRATIONS, (NEXT, lambda: [*_next_statements(), "ALTER TABLE nowhere ADD x INT"])],
    )
    result = jane("list")
    one_sentence(result, 1, str(db_path), "left unchanged")
    assert db_path.read_bytes() == v2_bytes
    assert user_version(db_path) == CURRENT
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", original[0])
    monkeypatch.setattr(dbmod, "MIGRATIONS", original[1])
    assert titles(jane) == ["Before the upgrade"]


def test_version_zero_logbook_with_tables_refused_untouched(jane: Cli, db_path: Path) -> None:
    """user_version 0 but cmelog tables present: no migration can apply; the file is left alone."""
    assert jane("add", "Kept", *ADD).exit_code == 0
    set_pragma(db_path, "user_version = 0")
    before = snapshot(db_path)
    one_sentence(jane("list"), 1, str(db_path))
    assert snapshot(db_path) == before


def test_empty_sqlite_db_is_adopted(cli: Cli, db_path: Path) -> None:
    """A fresh SQLite file without tables (`sqlite3 x.db VACUUM`) becomes a logbook."""
    db_path.parent.mkdir(parents=True)
    sqlite3.connect(db_path).execute("VACUUM").connection.close()
    assert db_path.stat().st_size > 0
    result = cli(*JANE)
    assert result.exit_code == 0, result.stderr
    assert user_version(db_path) == dbmod.SCHEMA_VERSION


# ---------------------------------------------------------------------------- awkward paths


@pytest.mark.parametrize("folder", ["C# notes", "100%41 done", "why?", "a&b=c", "sp ace"])
def test_logbook_path_with_uri_characters(cli: Cli, tmp_path: Path, folder: str) -> None:
    """Characters that mean something in a URI are plain file-name characters here."""
    path = tmp_path / folder / "cmelog.db"
    for args in (JANE, ["add", "Kept", *ADD], ["list", "--json"]):
        result = cli("--db", str(path), *args)
        assert result.exit_code == 0, (args, result.stderr)
    assert json.loads(result.stdout)[0]["title"] == "Kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]  # no stray files
    assert sorted(p.name for p in path.parent.iterdir()) == ["cmelog.db"]
    assert user_version(path) == dbmod.SCHEMA_VERSION


def test_wal_mode_db_of_another_program_gets_no_side_files(cli: Cli, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE notes (text TEXT)")
    con.execute("INSERT INTO notes VALUES ('mine')")
    con.commit()
    con.close()
    before = snapshot(db_path)
    assert before[2] == ["cmelog.db"]
    one_sentence(cli("list"), 1, "another program")
    one_sentence(cli(*JANE), 1, "another program")
    assert snapshot(db_path) == before
