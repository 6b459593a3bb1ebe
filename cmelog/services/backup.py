"""backup: a consistent copy through SQLite's backup API; certificates too into a folder."""

from __future__ import annotations

import shutil
import sqlite3
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
                if f.is_file() and not f.name.startswith(".") and not (certs / f.name).exists():
                    shutil.copy2(f, certs / f.name)
    except (OSError, sqlite3.Error) as exc:
        # backup_file copies into `<name>.tmp` and renames it: a failure must not leave it
        db_dest.with_name(db_dest.name + ".tmp").unlink(missing_ok=True)
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CmelogError(
            f"Cannot write the backup {dest}: {why}; any earlier backup there is unchanged."
        ) from None
    return dest if folder else db_dest
