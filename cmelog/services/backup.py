"""backup: a consistent copy through SQLite's backup API; certificates too into a folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from cmelog.errors import CmelogError
from cmelog.services.context import Context


def backup(ctx: Context, target: str) -> Path:
    from cmelog.storage.db import backup_file

    logbook = ctx.logbook()  # validates that it is a cmelog logbook
    dest = Path(target).expanduser().absolute()
    folder = dest.is_dir() or target.endswith(("/", "\\"))
    if folder:
        dest.mkdir(parents=True, exist_ok=True)
        db_dest = dest / logbook.path.name
    else:
        db_dest = dest
    if db_dest.exists() and db_dest.resolve() == logbook.path.resolve():
        raise CmelogError(f"{db_dest} is the logbook itself; give another path for the backup.")
    try:
        backup_file(logbook.path, db_dest)
        if folder and logbook.certificates.is_dir():
            certs = dest / "certificates"
            certs.mkdir(exist_ok=True)
            for f in sorted(logbook.certificates.iterdir()):
                if f.is_file() and not f.name.startswith(".") and not _intact(certs / f.name):
                    _copy_atomically(f, certs / f.name)
    except (OSError, sqlite3.Error) as exc:
        # backup_file copies into `<name>.tmp` and renames it: a failure must not leave it
        db_dest.with_name(db_dest.name + ".tmp").unlink(missing_ok=True)
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CmelogError(
            f"Cannot write the backup {dest}: {why}; any earlier backup there is unchanged."
        ) from None
    return dest if folder else db_dest


def _intact(path: Path) -> bool:
    """A stored certificate is named by its SHA-256: one whose content matches is whole."""
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest() == path.name
    except OSError:
        return False


def _copy_atomically(src: Path, dest: Path) -> None:
    """Copy to a hidden temporary beside `dest`, then rename: never a partial certificate."""
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=dest.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        shutil.copystat(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
