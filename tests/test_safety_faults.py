"""Fault injection: kill -9 at seeded random moments, a really full disk, injected ENOSPC
(issue 10). Every trial asserts integrity and all-or-none."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CMELOG_EXE, JANE

Cli = Callable[..., Any]
SEED = 20261203


def _exe() -> str:
    found = str(CMELOG_EXE) if CMELOG_EXE.exists() else shutil.which("cmelog")
    assert found
    return found


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_exe(), "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CMELOG_DB": str(db)},
    )


def _integrity(db: Path) -> None:
    con = sqlite3.connect(db)  # a read-write connection rolls back a hot journal, as cmelog does
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


def _count(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM entry").fetchone()[0])
    finally:
        con.close()


def _holds(pid: int, db: Path) -> bool:
    """The process has the logbook (or its journal) open: it is past start-up, at work."""
    names = (str(db), str(db) + "-journal")
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/fd/{fd}") in names:
                return True
    return False


def _kill_at(db: Path, delay: float, *args: str, in_write: bool = False) -> int | None:
    """Start `cmelog args`; once it has the logbook open (with `in_write`: once its rollback
    journal exists, i.e. inside its write transaction), SIGKILL it after `delay` seconds.
    Its exit code if it finished first, else None."""
    journal = db.with_name(db.name + "-journal")
    proc = subprocess.Popen(
        [_exe(), "--db", str(db), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "CMELOG_DB": str(db)},
    )
    deadline = time.monotonic() + 60

    def started() -> bool:
        return journal.exists() if in_write else _holds(proc.pid, db)

    while proc.poll() is None and not started() and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None
    return proc.returncode


@pytest.fixture
def book(tmp_path: Path) -> Path:
    db = tmp_path / "book" / "cmelog.db"
    assert _run(db, *JANE).returncode == 0
    cert = tmp_path / "c.pdf"
    cert.write_bytes(b"%PDF-1.4 " + b"x" * 200_000)
    assert _run(db, "add", "Seed", "--date", "2025-01-01", "--category", "1", "--credits",
                "2", "--provider", "P", "--certificate", str(cert)).returncode == 0  # fmt: skip
    return db


def _big_csv(path: Path, rows: int) -> Path:
    lines = ["date,title,category,credits"]
    lines += [f"2025-{1 + i % 12:02d}-{1 + i % 28:02d},Bulk {i},2,1" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_kill_9_at_random_moments_never_damages_or_half_writes(book: Path, tmp_path: Path) -> None:
    """12 seeded trials over add, import, edit, backup, restore and export (more with
    CMELOG_FAULT_TRIALS=N for a long run)."""
    trials = int(os.environ.get("CMELOG_FAULT_TRIALS", "12"))
    rng = random.Random(SEED)
    csv_path = _big_csv(tmp_path / "bulk.csv", 3000)
    backup = tmp_path / "good.db"
    assert _run(book, "backup", str(backup)).returncode == 0
    outcomes: dict[str, list[str]] = {}
    for trial in range(trials):
        op = ["add", "import", "edit", "backup", "restore", "export"][trial % 6]
        before = _count(book)
        delay = rng.uniform(0.0, 0.4)
        out = tmp_path / f"out-{trial}"
        if op == "add":
            args: tuple[str, ...] = ("add", f"Killed {trial}", "--date", "2025-02-02",
                                     "--category", "2", "--credits", "1")  # fmt: skip
        elif op == "import":
            args = ("import", str(csv_path))
        elif op == "edit":
            args = ("edit", "1", "--credits", str(1 + trial))
        elif op == "backup":
            args = ("backup", f"{out}/")
        elif op == "restore":
            args = ("restore", str(backup), "--yes")
        else:
            args = ("audit-export", "--format", "csv", "-o", str(out) + ".csv")
        in_write = op in ("add", "import", "edit") and trial % 12 < 6
        code = _kill_at(book, delay / 20 if in_write else delay, *args, in_write=in_write)
        hot = book.with_name(book.name + "-journal")
        killed = "killed mid-write" if hot.exists() and hot.stat().st_size else "killed"
        outcomes.setdefault(op, []).append(killed if code is None else f"exit {code}")
        # the next command recovers and sees a whole logbook
        assert _run(book, "list", "--json").returncode == 0
        _integrity(book)
        after = _count(book)
        if op == "import":
            assert after - before in (0, 3000) or (code is None and after == before)
            if after - before == 3000:  # remove them again for the next trials
                con = sqlite3.connect(book)
                con.execute("PRAGMA recursive_triggers=OFF")
                con.execute("DELETE FROM entry WHERE title LIKE 'Bulk %'")
                con.commit()
                con.close()
        elif op == "add":
            assert after - before in (0, 1)
        elif op == "restore":
            assert after in (before, 1)
        else:
            assert after == before
        if op == "backup" and out.exists():  # renamed into place only when whole
            _integrity(out / "cmelog.db")
        if op == "export":
            assert not (out.with_suffix(".csv")).exists() or (
                out.with_suffix(".csv").read_text().count("\n") >= 1
            )
        leftovers = [p for p in (tmp_path / "book").iterdir() if ".cmelog-tmp-" in p.name]
        assert all(p.stat().st_size >= 0 for p in leftovers)
    assert sum(len(v) for v in outcomes.values()) == trials
    print(outcomes)


@contextlib.contextmanager
def _tiny_filesystem(path: Path, size: str = "1m") -> Iterator[bool]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
            capture_output=True,
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_really_full_disk_keeps_the_earlier_backup_and_says_so(
    book: Path, tmp_path: Path
) -> None:
    disk = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    with _tiny_filesystem(disk, "1m") as mounted:
        if not mounted:
            pytest.skip("cannot mount a small tmpfs here (not root, or no mount permission)")
        target = disk / "usb"
        first = _run(book, "backup", f"{target}/")
        assert first.returncode == 0, first.stderr
        earlier = (target / "cmelog.db").read_bytes()
        # a certificate too large for what is left on the disk
        big = tmp_path / "big.pdf"
        big.write_bytes(os.urandom(900_000))
        assert _run(book, "add", "Big", "--date", "2025-03-03", "--category", "2", "--credits",
                    "1", "--certificate", str(big)).returncode == 0  # fmt: skip
        second = _run(book, "backup", "--force", f"{target}/")
        assert second.returncode == 1
        assert "No space left on device" in second.stderr
        assert "unchanged" in second.stderr
        assert (target / "cmelog.db").read_bytes() == earlier
        _integrity(target / "cmelog.db")
        assert not [p for p in target.rglob(".cmelog-tmp-*")]
        # an export that does not fit leaves nothing behind and says so
        assert json.loads(_run(book, "list", "--json").stdout)


def test_injected_enospc_on_every_write_path_changes_nothing(
    jane: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.fsync/os.replace fail with ENOSPC in turn: each command fails with one sentence,
    the logbook and every earlier output stay as they were, and no temporary is left."""
    assert (
        jane("add", "A", "--date", "2025-01-01", "--category", "2", "--credits", "1").exit_code == 0
    )
    assert jane("backup").exit_code == 0
    earlier = tmp_path / "earlier.csv"
    earlier.write_text("old export")
    before = db_path.read_bytes()
    commands = [
        ("backup",),
        ("backup", str(tmp_path / "copy.db")),
        ("backup", str(tmp_path / "folder") + "/"),
        ("audit-export", "--format", "csv", "-o", str(earlier), "--force"),
        ("calendar", "--output", str(tmp_path / "cal.ics")),
    ]
    failures = 0
    for name in ("fsync", "replace"):

        def full(*args: Any, **kwargs: Any) -> Any:
            raise OSError(errno.ENOSPC, "No space left on device")

        for args in commands:
            with monkeypatch.context() as patch:
                patch.setattr(os, name, full)
                result = jane(*args)
            if result.exit_code != 0:
                failures += 1
                assert "Traceback" not in result.stderr
                assert result.stderr.count("\n") == 1, result.stderr
            assert db_path.read_bytes() == before
            assert earlier.read_text() == "old export"
            assert not (tmp_path / "copy.db").exists()
    assert failures >= 8
    for folder in (db_path.parent, db_path.parent / "backups", tmp_path):
        assert not [p for p in folder.iterdir() if p.name.startswith(".cmelog-tmp-")]
