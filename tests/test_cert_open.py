"""Certificates you can open: kept as `<sha256><ext>`, 0.1's bare files renamed on first use,
`open` hands the path to the system viewer, `show` prints the path."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmelog.services.certificates import certificate_file, migrate_bare, viewer_command

Cli = Callable[..., Any]
CAT1 = ["--date", "2025-01-10", "--category", "1", "--provider", "MMS", "--credits", "1"]


def fake_viewer(tmp_path: Path, name: str = "xdg-open") -> tuple[Path, Path]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / f"{name}.log"
    script = bin_dir / name
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return bin_dir, log


def add_with_certificate(cli: Cli, tmp_path: Path) -> tuple[str, Path]:
    cert = tmp_path / "Certificate.PDF"
    cert.write_bytes(b"%PDF-1.4 test certificate\n")
    doc = json.loads(cli("add", "Course", *CAT1, "--certificate", str(cert), "--json").stdout)
    return doc["certificate_sha256"], cert


def test_open_hands_the_stored_file_to_the_viewer(
    jane: Cli, run_exe: Any, tmp_path: Path, db_path: Path
) -> None:
    sha, _ = add_with_certificate(jane, tmp_path)
    bin_dir, log = fake_viewer(tmp_path)
    env = {"CMELOG_DB": str(db_path), "PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin"}
    result = run_exe("open", "1", env=env)
    assert result.returncode == 0, result.stderr
    stored = db_path.parent / "certificates" / f"{sha}.pdf"
    for _ in range(100):  # the viewer runs detached
        if log.exists() and log.read_text().strip():
            break
        import time

        time.sleep(0.05)
    assert log.read_text().strip() == str(stored)
    shown = run_exe("show", "1", env=env).stdout
    assert str(stored) in shown


def test_open_without_certificate_or_viewer_is_exit_1(
    jane: Cli, run_exe: Any, tmp_path: Path, db_path: Path
) -> None:
    jane("add", "No certificate", *CAT1)
    env = {"CMELOG_DB": str(db_path), "PATH": str(tmp_path / "empty")}
    result = run_exe("open", "1", env=env)
    assert result.returncode == 1 and "no certificate" in result.stderr
    assert result.stderr.count("\n") == 1
    add_with_certificate(jane, tmp_path)
    result = run_exe("open", "2", env=env)
    assert result.returncode == 1 and "No viewer" in result.stderr
    assert run_exe("open", "99", env=env).returncode == 1


def test_viewer_per_platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.pdf"
    assert viewer_command(path, "darwin") == ["open", str(path)]
    assert viewer_command(path, "win32") is None  # os.startfile
    bin_dir, _ = fake_viewer(tmp_path, "gio")
    monkeypatch.setenv("PATH", str(bin_dir))
    assert viewer_command(path, "linux") == ["gio", "open", str(path)]


def test_bare_certificate_of_0_1_is_renamed_on_first_use(
    jane: Cli, tmp_path: Path, db_path: Path
) -> None:
    sha, cert = add_with_certificate(jane, tmp_path)
    folder = db_path.parent / "certificates"
    stored = folder / f"{sha}.pdf"
    stored.rename(folder / sha)  # as cmelog 0.1 stored it
    assert certificate_file(folder, sha, "Certificate.PDF") == folder / sha
    out = jane("show", "1").stdout
    assert str(stored) in out.replace("\n", "")
    assert stored.read_bytes() == cert.read_bytes() and not (folder / sha).exists()
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha


def test_migration_is_safe_if_interrupted(tmp_path: Path) -> None:
    folder = tmp_path / "certificates"
    folder.mkdir()
    content = b"certificate"
    sha = hashlib.sha256(content).hexdigest()
    (folder / sha).write_bytes(content)
    (folder / f"{sha}.pdf").write_bytes(content)  # a copy left by an interrupted run
    assert migrate_bare(folder, sha, "x.pdf") == folder / f"{sha}.pdf"
    assert sorted(p.name for p in folder.iterdir()) == [f"{sha}.pdf"]
    assert migrate_bare(folder, sha, "x.pdf") == folder / f"{sha}.pdf"  # idempotent
    assert migrate_bare(folder, "0" * 64, "y.pdf") is None
