"""check: the logbook's integrity, certificates against their SHA-256 names, missing and orphan
certificates, leftover temporary files, file modes. `--fix` removes only what cmelog left
behind (temporary files; orphan certificates once confirmed) and sets modes."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

from cmelog.errors import CmelogError
from cmelog.services.context import Context
from cmelog.structs import Struct, field


class Finding(Struct):
    kind: str  # damaged, certificate-damaged, certificate-missing, orphan, temporary, mode
    path: str
    message: str
    fixable: bool = False
    fixed: bool = False


class Report(Struct):
    logbook: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return all(f.fixed for f in self.findings)


def _owned(path: Path) -> bool:
    from cmelog.services.files import _owner_pid

    return _owner_pid(path.name) is not None


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.lstat().st_mode)
    except OSError:
        return None


def run_check(
    ctx: Context, *, fix: bool = False, confirm_orphans: Callable[[list[Path]], bool] | None = None
) -> Report:
    from cmelog.services.backup import cert_sha, intact
    from cmelog.services.files import is_stale, leftovers, remove_path
    from cmelog.storage import reads
    from cmelog.storage.db import (
        _ro_uri,
        backups_dir,
        certificates_dir,
        data_folders,
        open_logbook,
        quick_check,
    )

    path = ctx.path
    report = Report(path)
    add = report.findings.append
    if not path.exists():
        raise CmelogError(
            f"There is no cmelog logbook at {path}; give --db the path of your logbook."
        )
    # 1. integrity (a damaged logbook is a finding, not a failure of check itself)
    temps = leftovers(data_folders(path))  # before opening: that removes stale ones
    refs: list[tuple[str, int, str, str | None]] = []
    kept: set[str] = set()
    sound = False
    try:
        open_logbook(path)
        con = sqlite3.connect(_ro_uri(path), uri=True)
        try:
            problem = quick_check(con, full=True)
            if problem is None:
                sound = True
                refs = reads.certificate_references(con)
                kept = reads.history_certificates(con)
        finally:
            con.close()
    except CmelogError as exc:
        problem = exc.message
        if "damaged" not in problem:
            raise
    except sqlite3.DatabaseError as exc:
        problem = str(exc)
    if problem is not None:
        add(Finding("damaged", str(path), f"the logbook is damaged: {problem}"))
    # 2. certificates: bytes against names, missing, orphans
    certs = certificates_dir(path)
    stored: dict[str, Path] = {}
    if certs.is_dir():
        for f in sorted(certs.iterdir()):
            sha = cert_sha(f.name)
            if sha is None or not f.is_file():
                continue
            stored[sha] = f
            if not intact(f):
                add(
                    Finding(
                        "certificate-damaged",
                        str(f),
                        f"certificate {f.name} is damaged: its bytes do not match its SHA-256 "
                        "name (restore it from a backup)",
                    )
                )
    named = {sha for _e, _i, sha, _n in refs}
    for entity, ident, sha, name in refs:
        if sha not in stored:
            add(
                Finding(
                    "certificate-missing",
                    str(certs / sha),
                    f"{entity} {ident}'s certificate {sha[:12]}... "
                    f"({name or 'no name'}) is missing",
                )
            )
    orphans: list[Path] = []
    if sound:
        for sha, f in stored.items():
            if sha not in named and sha not in kept:
                orphans.append(f)
                add(
                    Finding(
                        "orphan",
                        str(f),
                        f"certificate {f.name} belongs to no entry or attestation",
                        fixable=True,
                    )
                )
    # 3. leftovers
    for t in temps:
        gone = not (t.exists() or t.is_symlink())
        what = (
            "was a temporary file left behind (removed)"
            if gone
            else ("is a temporary file left behind")
        )
        add(Finding("temporary", str(t), f"{t.name} {what}", True, fixed=gone))
    # 4. modes
    wanted: list[tuple[Path, int]] = [(path, 0o600)]
    for folder in (certs, backups_dir(path)):
        if folder.is_dir():
            wanted.append((folder, 0o700))
            wanted += [
                (f, 0o600) for f in sorted(folder.iterdir()) if f.is_file() and not f.is_symlink()
            ]
    bcerts = backups_dir(path) / "certificates"
    if bcerts.is_dir():
        wanted.append((bcerts, 0o700))
        wanted += [(f, 0o600) for f in sorted(bcerts.iterdir()) if f.is_file()]
    for p, mode in wanted:
        have = _mode(p)
        if have is not None and have != mode:
            add(
                Finding(
                    "mode",
                    str(p),
                    f"{p} has mode {have:04o}; cmelog keeps it {mode:04o}",
                    fixable=True,
                )
            )
    if not fix:
        return report
    # --fix: only what cmelog left behind, and modes
    for found in report.findings:
        if found.kind == "temporary":
            p = Path(found.path)
            # a file named with its owner's pid goes as soon as that process is gone
            if not found.fixed and is_stale(p, age=0.0 if _owned(p) else 60.0):
                remove_path(p)
                found.fixed = True
        elif found.kind == "mode":
            p = Path(found.path)
            try:
                os.chmod(p, 0o700 if p.is_dir() else 0o600)
                found.fixed = True
            except OSError:
                pass
    if orphans and confirm_orphans is not None and confirm_orphans(orphans):
        doomed = {str(o) for o in orphans}
        for found in report.findings:
            if found.kind == "orphan" and found.path in doomed:
                Path(found.path).unlink(missing_ok=True)
                found.fixed = True
    return report
