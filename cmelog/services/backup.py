"""backup: a consistent, checked copy of the logbook (and its certificates).

- no PATH: `backups/cmelog-YYYYMMDD-HHMMSS.db` in the data folder, certificates in
  `backups/certificates/`, the newest N kept;
- PATH a file: the logbook alone, guarded like every output (no replacing without --force,
  never the logbook or its certificates);
- PATH an existing folder or ending with `/`: `PATH/<logbook name>` and `PATH/certificates/`.

Each copy is written beside its target, checked (SQLite integrity check, every certificate's
bytes against its SHA-256 name) and only then renamed into place: a failure leaves an earlier
backup as it was. Certificates are only ever added to a backup's folder (they are named by
their content), so the earlier database always keeps the certificates it names.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path

from cmelog.errors import CmelogError, UsageError
from cmelog.paths import user_path
from cmelog.services.context import Context
from cmelog.services.files import (
    FILE_MODE,
    fsync_dir,
    guard,
    private_dir,
    remove_path,
    tmp_name,
)
from cmelog.structs import Struct

DEFAULT_KEEP = 10
_DATED = re.compile(r"cmelog-\d{8}-\d{6}(-\d+)?\.db")
_HEX = re.compile(r"[0-9a-f]{64}")


class BackupResult(Struct, frozen=True):
    path: Path  # the database copy (a file backup) or the folder
    database: Path
    certificates: int  # certificate files verified in the backup
    removed: tuple[Path, ...] = ()  # older dated backups removed by --keep


def sha256_of(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def cert_sha(name: str) -> str | None:
    """The SHA-256 a stored certificate's name claims (`<sha256><ext>`), or None."""
    stem = name.split(".", 1)[0]
    return stem if _HEX.fullmatch(stem) else None


def intact(path: Path) -> bool:
    """A stored certificate is named by its SHA-256: one whose bytes match is whole."""
    claimed = cert_sha(path.name)
    try:
        return claimed is not None and sha256_of(path) == claimed
    except OSError:
        return False


def referenced_shas(db: Path) -> set[str]:
    """Every certificate SHA-256 named by an entry or attestation of the database at `db`."""
    from cmelog.storage.db import _ro_uri

    con = sqlite3.connect(_ro_uri(db), uri=True)
    try:
        rows = con.execute(
            "SELECT certificate_sha256 FROM entry WHERE certificate_sha256 IS NOT NULL "
            "UNION SELECT certificate_sha256 FROM attestation "
            "WHERE certificate_sha256 IS NOT NULL"
        ).fetchall()
    finally:
        con.close()
    return {str(r[0]).lower() for r in rows}


def copy_verified(src: Path, dest_dir: Path) -> Path:
    """Copy a certificate into `dest_dir` under its own name (temporary, hash, rename); a copy
    whose bytes do not match the name is refused. A whole file already there is kept."""
    dest = dest_dir / src.name
    if intact(dest):
        return dest
    claimed = cert_sha(src.name)
    tmp = dest_dir / tmp_name()
    digest = hashlib.sha256()
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
        with src.open("rb") as fin, os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: fin.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if claimed is not None and digest.hexdigest() != claimed:
            raise CmelogError(
                f"The certificate {src} does not match its SHA-256 name (it is damaged); "
                "nothing was replaced. Run `cmelog check`."
            )
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def _verify_database(db: Path) -> None:
    from cmelog.storage.db import APPLICATION_ID, _ro_uri, quick_check

    con = sqlite3.connect(_ro_uri(db), uri=True)
    try:
        problem = quick_check(con, full=True)
        app = con.execute("PRAGMA application_id").fetchone()[0]
    finally:
        con.close()
    if problem is not None or app != APPLICATION_ID:
        raise CmelogError(
            f"The backup copy {db} failed its integrity check ({problem or 'not a logbook'}); "
            "nothing was replaced."
        )


def _copy_certificates(src_db: Path, certs_src: Path, certs_dest: Path) -> int:
    """Copy (add only) and verify every certificate the copy names, plus any other stored
    certificate; the number verified."""
    from cmelog.services.certificates import certificate_file

    private_dir(certs_dest)
    wanted = referenced_shas(src_db)
    count = 0
    seen: set[str] = set()
    if certs_src.is_dir():
        for f in sorted(certs_src.iterdir()):
            sha = cert_sha(f.name)
            if not f.is_file() or sha is None:
                continue
            if sha in wanted:
                copy_verified(f, certs_dest)
                seen.add(sha)
                count += 1
            elif intact(f):  # an unreferenced but sound certificate: kept with the rest
                copy_verified(f, certs_dest)
    for sha in sorted(wanted - seen):
        if not intact(certificate_file(certs_dest, sha, None)):
            raise CmelogError(
                f"The certificate {sha[:12]}... named in the logbook is missing from "
                f"{certs_src}; nothing was replaced. Run `cmelog check`."
            )
        count += 1
    fsync_dir(certs_dest)
    return count


def backup(
    ctx: Context, target: str | None, *, keep: int = DEFAULT_KEEP, force: bool = False
) -> BackupResult:
    from cmelog.storage.db import backups_dir, check_readable

    if keep < 1:
        raise UsageError(f"--keep {keep} is not valid; give a whole number of 1 or more.")
    logbook = ctx.logbook()  # validates that it is a cmelog logbook
    check_readable(logbook.path)  # a damaged logbook is never backed up as a good copy
    try:
        if target is None:
            folder = private_dir(backups_dir(logbook.path))
            return _dated(logbook.path, logbook.certificates, folder, keep)
        if target == "":
            raise UsageError("PATH is empty; give a file or folder for the backup.")
        dest = user_path(target).absolute()
        if dest.is_dir() or target.endswith(("/", os.sep)):
            return _folder(logbook.path, logbook.certificates, dest, force)
        guard(dest, force=force, protect=logbook.path, what="backup", backup=True)
        _database(logbook.path, dest)
        return BackupResult(dest, dest, 0)
    except (OSError, sqlite3.Error) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        where = target or "the backups folder"
        raise CmelogError(
            f"Cannot write the backup {where}: {why}; any earlier backup there is unchanged."
        ) from None


def _database(src: Path, dest: Path) -> None:
    from cmelog.storage.db import backup_file

    backup_file(src, dest, verify=True)
    os.chmod(dest, FILE_MODE)
    _verify_database(dest)


def _dated(src: Path, certs: Path, folder: Path, keep: int) -> BackupResult:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = folder / f"cmelog-{stamp}.db"
    n = 2
    while dest.exists():
        dest = folder / f"cmelog-{stamp}-{n}.db"
        n += 1
    # certificates first (add only): the new database is renamed in last
    tmp_db = folder / tmp_name(".db")
    _database(src, tmp_db)
    try:
        count = _copy_certificates(tmp_db, certs, folder / "certificates")
        os.replace(tmp_db, dest)
        fsync_dir(folder)
    except BaseException:
        tmp_db.unlink(missing_ok=True)
        raise
    dated = sorted((p for p in folder.iterdir() if _DATED.fullmatch(p.name)), key=_dated_key)
    removed = tuple(dated[:-keep]) if len(dated) > keep else ()
    for old in removed:
        old.unlink(missing_ok=True)
    return BackupResult(dest, dest, count, removed)


def _folder(src: Path, certs: Path, dest: Path, force: bool) -> BackupResult:
    from cmelog.services.files import refuses

    why = refuses(dest, src) or refuses(dest / src.name, src)
    if why is not None or dest.resolve() == src.parent.resolve():
        raise CmelogError(
            f"Refusing to write the backup into {dest}: it is the logbook's own folder or "
            "holds its certificates; nothing was changed. Give another folder."
        )
    db_dest = dest / src.name
    if not dest.exists():
        # a new folder: built whole beside its target, then renamed into place
        dest.parent.mkdir(parents=True, exist_ok=True)
        build = dest.parent / tmp_name()
        private_dir(build)
        try:
            _database(src, build / src.name)
            count = _copy_certificates(build / src.name, certs, build / "certificates")
            os.replace(build, dest)
            fsync_dir(dest.parent)
        except BaseException:
            remove_path(build)
            raise
        return BackupResult(dest, db_dest, count)
    guard(db_dest, force=force, protect=src, what="backup", backup=True)
    tmp_db = dest / tmp_name(".db")
    _database(src, tmp_db)
    try:
        count = _copy_certificates(tmp_db, certs, dest / "certificates")
        os.replace(tmp_db, db_dest)
        fsync_dir(dest)
    except BaseException:
        tmp_db.unlink(missing_ok=True)
        raise
    return BackupResult(dest, db_dest, count)


def _dated_key(path: Path) -> tuple[str, int]:
    parts = path.stem.split("-")  # cmelog, YYYYMMDD, HHMMSS[, n]
    return (parts[1] + parts[2], int(parts[3]) if len(parts) > 3 else 1)
