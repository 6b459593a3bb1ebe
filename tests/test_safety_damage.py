"""Damage detection, foreign files, leftovers and the schema (issue 10)."""

from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., Any]
FIXTURE = Path(__file__).parent / "fixtures" / "cmelog-0.1.0.db"
FIXTURE_CERTS = Path(__file__).parent / "fixtures" / "certificates"


def _add(cli: Cli, title: str = "Course", *db: str) -> Any:
    return cli(*db, "add", title, "--date", "2025-01-10", "--category", "2", "--credits", "1")


def _filled(jane: Cli, n: int = 40) -> None:
    for i in range(n):
        assert _add(jane, f"Course {i} " + "x" * 200).exit_code == 0


def _corrupt_page(db: Path, page: int = 2) -> None:
    """Scribble over one b-tree page (as a failing disk would)."""
    with db.open("r+b") as fh:
        size = db.stat().st_size
        page_size = 4096
        assert size >= (page + 1) * page_size
        fh.seek(page * page_size)
        fh.write(b"\xff" * 200)


def test_add_refuses_a_damaged_logbook_and_names_restore(jane: Cli, db_path: Path) -> None:
    _filled(jane)
    assert jane("backup").exit_code == 0
    _corrupt_page(db_path, 3)
    before = db_path.read_bytes()
    result = _add(jane, "After damage")
    assert result.exit_code == 1
    assert "damaged" in result.stderr
    assert "cmelog restore" in result.stderr
    assert "backups/cmelog-" in result.stderr  # the newest backup is named
    assert db_path.read_bytes() == before


def test_backup_refuses_a_damaged_logbook(jane: Cli, db_path: Path, tmp_path: Path) -> None:
    _filled(jane)
    _corrupt_page(db_path, 3)
    result = jane("backup", str(tmp_path / "copy.db"))
    assert result.exit_code == 1
    assert "damaged" in result.stderr
    assert not (tmp_path / "copy.db").exists()


def test_a_truncated_logbook_is_called_damaged(jane: Cli, db_path: Path) -> None:
    _filled(jane)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    for args in (("list",), ("add", "X", "--date", "2025-01-01", "--category", "2",
                             "--credits", "1")):  # fmt: skip
        result = jane(*args)
        assert result.exit_code == 1
        assert "damaged" in result.stderr
        assert "not a cmelog logbook" not in result.stderr
        assert "new file name" not in result.stderr


def _quick_check(db: Path) -> bool:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        try:
            return con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        finally:
            con.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError):  # a report naming damaged text
        return False


def test_random_byte_flips_are_never_written_into(jane: Cli, db_path: Path) -> None:
    """Seeded random damage: whenever SQLite's quick check sees the damage, `add` refuses
    (exit 1, file byte for byte unchanged); it never fails with a traceback."""
    _filled(jane, 60)
    pristine = db_path.read_bytes()
    rng = random.Random(20261203)
    detected = 0
    for _ in range(12):
        data = bytearray(pristine)
        for _ in range(16):
            pos = rng.randrange(100, len(data))
            data[pos] ^= 1 << rng.randrange(8)
        db_path.write_bytes(bytes(data))
        seen = not _quick_check(db_path)
        result = _add(jane, "Probe")
        assert "Unexpected" not in result.stderr and "Traceback" not in result.stderr
        if seen:
            detected += 1
            assert result.exit_code == 1
            assert "damaged" in result.stderr
            assert db_path.read_bytes() == bytes(data)
    assert detected >= 3


def test_another_programs_database_with_a_hot_journal_is_not_touched(
    cli: Cli, tmp_path: Path
) -> None:
    foreign = tmp_path / "other.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()
    journal = foreign.with_name("other.db-journal")
    # a crash mid-write: a hot journal beside a modified database
    code = (
        "import sqlite3, os\n"
        f"c = sqlite3.connect({str(foreign)!r}, isolation_level=None)\n"
        "c.execute('PRAGMA cache_size=1')\n"
        "c.execute('BEGIN')\n"
        "c.execute('INSERT INTO t SELECT randomblob(5000) FROM (SELECT 1 UNION SELECT 2 "
        "UNION SELECT 3 UNION SELECT 4)')\n"
        "os._exit(9)\n"
    )
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", code], check=False)
    if not journal.exists():
        pytest.skip("SQLite left no hot journal on this platform")
    db_before, journal_before = foreign.read_bytes(), journal.read_bytes()
    for args in (("list",), ("add", "X", "--date", "2025-01-01", "--category", "2",
                             "--credits", "1"), ("backup", str(tmp_path / "b.db"))):  # fmt: skip
        result = cli("--db", str(foreign), *args)
        assert result.exit_code == 1
        assert "not a cmelog logbook" in result.stderr
    assert foreign.read_bytes() == db_before
    assert journal.read_bytes() == journal_before


def test_stale_temporary_files_are_removed_at_the_next_run(jane: Cli, db_path: Path) -> None:
    folder = db_path.parent
    old = folder / ".cmelog-tmp-999999999-abc.db"
    old.write_bytes(b"x" * 1000)
    fresh = folder / ".cmelog-tmp-999999999-new.db"
    fresh.write_bytes(b"y")
    live = folder / f".cmelog-tmp-{os.getpid()}-live.db"
    live.write_bytes(b"z")
    mine = folder / "notes.txt"
    mine.write_text("the user's own file")
    past = time.time() - 3600
    for p in (old, live, mine):
        os.utime(p, (past, past))
    assert jane("list").exit_code == 0
    assert not old.exists()  # stale, from a process that is gone
    assert fresh.exists()  # too recent: may belong to a running command
    assert live.exists()  # held by a live process
    assert mine.exists()


def test_a_migration_keeps_one_backup_per_schema_version(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cmelog.storage.db as dbmod

    book = tmp_path / "old" / "cmelog.db"
    book.parent.mkdir()
    shutil.copy(FIXTURE, book)
    real = dbmod.MIGRATIONS

    def broken() -> tuple[str, ...]:
        return ("CREATE TABLE history (x)", "THIS IS NOT SQL")

    with monkeypatch.context() as patch:
        patch.setattr(dbmod, "MIGRATIONS", [real[0], (2, broken)])
        for _ in range(3):
            result = cli("--db", str(book), "list")
            assert result.exit_code == 1
            assert "left unchanged" in result.stderr
    assert sorted(p.name for p in book.parent.iterdir()) == ["cmelog.db", "cmelog.db.v1.bak"]
    result = cli("--db", str(book), "list", "--json")
    assert result.exit_code == 0, result.stderr


# ------------------------------------------------------------------ schema
def _schema(db: Path) -> dict[str, dict[str, str]]:
    con = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            t: {r[1]: re.sub(r"\(.*\)", "", str(r[2])).upper() for r in con.execute(
                f"PRAGMA table_info({t})")}
            for t in tables
        }  # fmt: skip
    finally:
        con.close()


def _model_schema() -> dict[str, dict[str, str]]:
    from sqlalchemy.dialects import sqlite as sqlite_dialect
    from sqlmodel import SQLModel

    import cmelog.storage.models  # noqa: F401  (registers the tables)

    dialect = sqlite_dialect.dialect()
    return {
        name: {
            c.name: re.sub(r"\(.*\)", "", c.type.compile(dialect=dialect)).upper()
            for c in table.columns
        }
        for name, table in SQLModel.metadata.tables.items()
    }


def test_fresh_and_migrated_schemas_equal_the_models(
    jane: Cli, db_path: Path, tmp_path: Path
) -> None:
    models = _model_schema()
    assert _schema(db_path) == models
    old = tmp_path / "old" / "cmelog.db"
    old.parent.mkdir()
    shutil.copy(FIXTURE, old)
    assert jane("--db", str(old), "list").exit_code == 0
    assert _schema(old) == models


def test_a_0_1_0_logbook_migrates_keeps_everything_and_backs_up(cli: Cli, tmp_path: Path) -> None:
    import json

    book = tmp_path / "old" / "cmelog.db"
    book.parent.mkdir()
    shutil.copy(FIXTURE, book)
    shutil.copytree(FIXTURE_CERTS, book.parent / "certificates")
    con = sqlite3.connect(FIXTURE)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 1
        titles = sorted(r[0] for r in con.execute("SELECT title FROM entry"))
        reminders = con.execute("SELECT count(*) FROM reminder").fetchone()[0]
    finally:
        con.close()
    result = cli("--db", str(book), "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert sorted(e["title"] for e in json.loads(result.stdout)) == titles
    bak = sqlite3.connect(book.parent / "cmelog.db.v1.bak")
    try:
        assert bak.execute("PRAGMA user_version").fetchone()[0] == 1
        assert sorted(r[0] for r in bak.execute("SELECT title FROM entry")) == titles
    finally:
        bak.close()
    con = sqlite3.connect(book)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM reminder").fetchone()[0] == reminders
    finally:
        con.close()
    atts = json.loads(cli("--db", str(book), "attestations", "--json").stdout)
    assert atts and atts[0]["certificate_sha256"]
    assert cli("--db", str(book), "check").exit_code == 0
    # its backup: checked, certificates verified, and it opens
    result = cli("--db", str(book), "backup", str(tmp_path / "bk") + "/")
    assert result.exit_code == 0, result.stderr
    copy = tmp_path / "bk" / "cmelog.db"
    assert json.loads(cli("--db", str(copy), "list", "--json").stdout) == json.loads(
        cli("--db", str(book), "list", "--json").stdout
    )
    # the migration gave 0.1's extension-less certificate its extension (and mode 0600)
    assert [p.name for p in (tmp_path / "bk" / "certificates").iterdir()] == [
        p.name + ".pdf" for p in FIXTURE_CERTS.iterdir()
    ]
    migrated = book.parent / "certificates" / (next(FIXTURE_CERTS.iterdir()).name + ".pdf")
    assert migrated.stat().st_mode & 0o777 == 0o600
    # history works on a migrated logbook
    assert cli("--db", str(book), "delete", "1", "--yes").exit_code == 0
    assert cli("--db", str(book), "undelete", "1").exit_code == 0
