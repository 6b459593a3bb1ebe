"""backup PATH: a consistent copy through SQLite's backup API, certificates too into a folder."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., Any]
APPLICATION_ID = 0x434D454C


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def listed(cli: Cli, *db: str) -> list[dict[str, Any]]:
    return list(json.loads(ok(cli(*db, "list", "--json")).stdout))


def integrity(db: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()


def entry_count(db: Path) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT count(*) FROM entry").fetchone()[0])
    finally:
        con.close()


def _exe() -> str:
    exe = Path(sys.executable).parent / "cmelog"
    found = str(exe) if exe.exists() else shutil.which("cmelog")
    assert found, "the cmelog entry point is not installed"
    return found


@pytest.fixture
def book(jane: Cli, tmp_path: Path) -> dict[str, bytes]:
    """Jane's logbook with two certificates (one on an attestation) and a plain entry."""
    src = tmp_path / "in"
    src.mkdir()
    certs = {"course.pdf": b"%PDF-1.4 course", "training.pdf": b"%PDF-1.4 residency training"}
    for name, data in certs.items():
        (src / name).write_bytes(data)
    ok(jane("add", "Opioid course", "--date", "2025-01-10", "--category", "1", "--credits", "3",
            "--provider", "MMS", "--topic", "opioids-pain-management",
            "--certificate", str(src / "course.pdf")))  # fmt: skip
    ok(jane("add", "Reading, \"élan\"", "--date", "2024-11-01", "--category", "2",
            "--minutes", "95", "--notes", "two\tcolumns"))  # fmt: skip
    ok(jane("attest", "child-abuse-reporting", "--date", "2005-06-01", "--how", "residency",
            "--certificate", str(src / "training.pdf")))  # fmt: skip
    return {hashlib.sha256(d).hexdigest(): d for d in certs.values()}


def test_backup_to_a_file_opens_as_a_cmelog_logbook(
    book: dict[str, bytes], jane: Cli, tmp_path: Path, db_path: Path
) -> None:
    dest = tmp_path / "backups" / "copy.db"
    result = ok(jane("backup", str(dest)))
    assert result.stdout.strip() == str(dest)
    assert dest.is_file()
    assert integrity(dest) == [("ok",)]
    con = sqlite3.connect(dest)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    finally:
        con.close()
    # the copy is a cmelog logbook: same entries, same profile, same attestations
    assert listed(jane, "--db", str(dest)) == listed(jane)
    assert (
        ok(jane("--db", str(dest), "profile", "--json")).stdout
        == ok(jane("profile", "--json")).stdout
    )
    assert (
        ok(jane("--db", str(dest), "attest", "--list", "--json")).stdout
        == ok(jane("attest", "--list", "--json")).stdout
    )
    # private like the logbook itself, and no temporary left beside it
    assert dest.stat().st_mode & 0o777 == 0o600
    assert sorted(os.listdir(dest.parent)) == ["copy.db"]
    # a file backup takes no certificates
    assert not (dest.parent / "certificates").exists()


def test_backup_copy_works_with_the_installed_program(
    book: dict[str, bytes], tmp_path: Path, run_exe: Callable[..., Any]
) -> None:
    dest = tmp_path / "copy.db"
    proc = run_exe("backup", str(dest))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(dest)
    proc = run_exe("--db", str(dest), "list", "--json")
    assert proc.returncode == 0, proc.stderr
    assert [e["title"] for e in json.loads(proc.stdout)] == ['Reading, "élan"', "Opioid course"]


def test_backup_to_a_folder_takes_the_certificates(
    book: dict[str, bytes], jane: Cli, tmp_path: Path, db_path: Path
) -> None:
    folder = tmp_path / "backup-folder"
    folder.mkdir()
    result = ok(jane("backup", str(folder)))
    assert result.stdout.strip() == str(folder)
    copy = folder / db_path.name
    assert copy.is_file()
    assert listed(jane, "--db", str(copy)) == listed(jane)
    certs = folder / "certificates"
    assert sorted(p.name for p in certs.iterdir()) == sorted(f"{sha}.pdf" for sha in book)
    for sha, data in book.items():
        assert (certs / f"{sha}.pdf").read_bytes() == data
    assert sorted(os.listdir(folder)) == ["certificates", db_path.name]
    # the originals are untouched
    for sha, data in book.items():
        assert (db_path.parent / "certificates" / f"{sha}.pdf").read_bytes() == data


def test_backup_to_a_new_folder_with_a_trailing_slash(
    book: dict[str, bytes], jane: Cli, tmp_path: Path, db_path: Path
) -> None:
    folder = tmp_path / "new" / "nested"
    ok(jane("backup", f"{folder}/"))
    assert (folder / db_path.name).is_file()
    assert sorted(p.stem for p in (folder / "certificates").iterdir()) == sorted(book)


def test_a_second_backup_replaces_the_first_only_with_force(
    book: dict[str, bytes], jane: Cli, tmp_path: Path
) -> None:
    dest = tmp_path / "copy.db"
    ok(jane("backup", str(dest)))
    assert len(listed(jane, "--db", str(dest))) == 2
    ok(jane("add", "Later", "--date", "2025-05-05", "--category", "2", "--credits", "1"))
    refused = jane("backup", str(dest))
    assert refused.exit_code == 1
    assert "--force" in refused.stderr
    assert len(listed(jane, "--db", str(dest))) == 2
    ok(jane("backup", "--force", str(dest)))
    assert len(listed(jane, "--db", str(dest))) == 3
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".cmelog-tmp-")]


def test_backup_while_a_reader_holds_a_transaction(
    book: dict[str, bytes], jane: Cli, tmp_path: Path, db_path: Path
) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN")
        assert other.execute("SELECT count(*) FROM entry").fetchone()[0] == 2
        dest = tmp_path / "copy.db"
        ok(jane("backup", str(dest)))
        assert other.in_transaction
    finally:
        other.execute("COMMIT")
        other.close()
    assert integrity(dest) == [("ok",)]
    assert listed(jane, "--db", str(dest)) == listed(jane)


def test_backup_while_a_writer_has_not_committed_is_consistent(
    book: dict[str, bytes], jane: Cli, tmp_path: Path, db_path: Path
) -> None:
    """A copy made during someone else's write transaction holds the last committed state."""
    before = listed(jane)
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO entry (title, date, eff_date, provider, category, credits, kind, "
            "topics, source) SELECT 'Uncommitted', date, eff_date, provider, category, credits, "
            "kind, topics, source FROM entry LIMIT 1"
        )
        dest = tmp_path / "copy.db"
        ok(jane("backup", str(dest)))
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert integrity(dest) == [("ok",)]
    assert listed(jane, "--db", str(dest)) == before
    assert len(listed(jane)) == len(before) + 1


def _big_csv(path: Path, rows: int) -> Path:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["date", "title", "category", "credits", "notes"])
    for i in range(rows):
        w.writerow([f"{2010 + i % 16}-{1 + i % 12:02d}-{1 + i % 28:02d}", f"Bulk {i}", 2, "1",
                    "n" * 120])  # fmt: skip
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    return path


def test_backup_during_a_large_import_copies_before_or_after_it_never_between(
    book: dict[str, bytes], jane: Cli, tmp_path: Path, db_path: Path
) -> None:
    rows = 20_000
    journal = db_path.with_name(db_path.name + "-journal")
    source = _big_csv(tmp_path / "big.csv", rows)
    proc = subprocess.Popen(
        [_exe(), "import", str(source)],
        env={**os.environ, "CMELOG_DB": str(db_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    copies: list[Path] = []
    try:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            dest = tmp_path / f"copy-{len(copies)}.db"
            ok(jane("backup", str(dest)))
            copies.append(dest)
            if journal.exists():
                time.sleep(0.02)
    finally:
        _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    dest = tmp_path / "copy-final.db"
    ok(jane("backup", str(dest)))
    copies.append(dest)
    assert len(copies) >= 2
    for copy in copies:
        assert integrity(copy) == [("ok",)]
        assert entry_count(copy) in (2, 2 + rows)
    assert entry_count(copies[-1]) == 2 + rows
    assert not list(tmp_path.glob("*.tmp"))


def test_backup_onto_the_logbook_itself_is_refused(
    book: dict[str, bytes], jane: Cli, db_path: Path
) -> None:
    before = db_path.read_bytes()
    for target in (str(db_path), str(db_path.parent), f"{db_path.parent}/"):
        for force in ([], ["--force"]):
            result = jane("backup", *force, target)
            assert result.exit_code == 1, target
            assert "Refusing" in result.stderr
        assert result.stdout == ""
    assert db_path.read_bytes() == before
    assert listed(jane)


def test_backup_under_a_file_is_exit_1(book: dict[str, bytes], jane: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    result = jane("backup", str(blocker / "copy.db"))
    assert result.exit_code == 1
    assert "copy.db" in result.stderr
    assert "Traceback" not in result.stderr
    assert blocker.read_text() == "a file"


def test_backup_without_a_logbook_is_exit_1(cli: Cli, tmp_path: Path) -> None:
    result = cli("backup", str(tmp_path / "copy.db"))
    assert result.exit_code == 1
    assert "cmelog init" in result.stderr
    assert not (tmp_path / "copy.db").exists()


def test_backup_of_something_not_a_logbook_is_exit_1(cli: Cli, tmp_path: Path) -> None:
    fake = tmp_path / "fake.db"
    fake.write_text("not sqlite at all")
    result = cli("--db", str(fake), "backup", str(tmp_path / "copy.db"))
    assert result.exit_code == 1
    assert "not a cmelog logbook" in result.stderr
    assert not (tmp_path / "copy.db").exists()


class _FailingBackup:
    """A source connection whose backup fails the way a full disk makes it fail."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con

    def backup(self, target: sqlite3.Connection, **kwargs: Any) -> None:
        target.execute("CREATE TABLE half (x)")  # something got written before the failure
        target.commit()
        raise sqlite3.OperationalError("database or disk is full")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def test_a_failed_backup_keeps_the_previous_copy_and_leaves_no_temporary(
    book: dict[str, bytes], jane: Cli, tmp_path: Path, db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    folder = tmp_path / "backups"
    folder.mkdir()
    dest = folder / "copy.db"
    ok(jane("backup", str(dest)))
    previous = dest.read_bytes()
    ok(jane("add", "Newer", "--date", "2025-05-05", "--category", "2", "--credits", "1"))
    dest.chmod(0o644)  # --force replaces it with a private file

    real_connect = sqlite3.connect

    def connect(database: Any, *args: Any, **kwargs: Any) -> Any:
        con = real_connect(database, *args, **kwargs)
        if str(database).startswith("file:") and str(db_path) in str(database):
            return _FailingBackup(con)
        return con

    monkeypatch.setattr(sqlite3, "connect", connect)
    result = jane("backup", "--force", str(dest))
    assert result.exit_code == 1
    assert "disk is full" in result.stderr
    assert "Unexpected" not in result.stderr
    assert result.stdout == ""
    assert dest.read_bytes() == previous
    assert sorted(os.listdir(folder)) == ["copy.db"]


def test_backup_repairs_a_certificate_left_truncated_by_an_interrupted_backup(
    book: dict[str, bytes], jane: Cli, tmp_path: Path
) -> None:
    folder = tmp_path / "backup-folder"
    (folder / "certificates").mkdir(parents=True)
    sha, data = next(iter(book.items()))
    (folder / "certificates" / f"{sha}.pdf").write_bytes(data[:3])  # an earlier copy cut short
    ok(jane("backup", str(folder)))
    for name, content in book.items():
        assert (folder / "certificates" / f"{name}.pdf").read_bytes() == content
    assert sorted(p.stem for p in (folder / "certificates").iterdir()) == sorted(book)


def test_disk_full_while_copying_certificates_keeps_the_earlier_folder_backup(
    book: dict[str, bytes], jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: the earlier backup's database must not be replaced before the
    certificates are in, and the message saying so must be true."""
    import cmelog.services.backup as backup_service

    folder = tmp_path / "backup-folder"
    folder.mkdir()
    ok(jane("backup", str(folder)))
    db_copy = folder / "cmelog.db"
    earlier = db_copy.read_bytes()
    new_cert = tmp_path / "new.pdf"
    new_cert.write_bytes(b"%PDF-1.4 a later certificate")
    ok(jane("add", "Later", "--date", "2025-05-05", "--category", "2", "--credits", "1",
            "--certificate", str(new_cert)))  # fmt: skip
    real = backup_service.copy_verified

    def disk_full(src: Path, dest_dir: Path) -> Path:
        if src.read_bytes() == new_cert.read_bytes():
            (dest_dir / ".cmelog-tmp-1-partial").write_bytes(b"%PD")
            (dest_dir / ".cmelog-tmp-1-partial").unlink()
            raise OSError(28, "No space left on device")
        return real(src, dest_dir)

    with monkeypatch.context() as patch:
        patch.setattr(backup_service, "copy_verified", disk_full)
        result = jane("backup", "--force", str(folder))
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert "earlier backup there is unchanged" in result.stderr
    assert db_copy.read_bytes() == earlier  # the message is true
    assert listed(jane, "--db", str(db_copy))[-1]["title"] != "Later"
    for f in (folder / "certificates").iterdir():
        assert hashlib.sha256(f.read_bytes()).hexdigest() == f.stem
    assert not [n for n in os.listdir(folder) if n.startswith(".cmelog-tmp-")]
    ok(jane("backup", "--force", str(folder)))
    assert listed(jane, "--db", str(db_copy))[-1]["title"] == "Later"


def test_a_failed_certificate_copy_leaves_no_partial_certificate(
    book: dict[str, bytes], jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "backup-folder"
    folder.mkdir()
    real_write = os.write
    calls = {"n": 0}

    def fsync_full(fd: int) -> None:
        calls["n"] += 1
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", fsync_full)
        result = jane("backup", str(folder))
    del real_write
    assert result.exit_code == 1
    assert calls["n"] >= 1
    assert "No space left on device" in result.stderr
    certs = folder / "certificates"
    for name in os.listdir(certs) if certs.exists() else []:
        # whatever is left is whole and named by its content
        assert hashlib.sha256((certs / name).read_bytes()).hexdigest() == Path(name).stem
    assert not [n for n in os.listdir(folder) if n.startswith(".cmelog-tmp-")]
    ok(jane("backup", str(folder)))
    for name, content in book.items():
        assert (certs / f"{name}.pdf").read_bytes() == content
    assert sorted(p.stem for p in certs.iterdir()) == sorted(book)
