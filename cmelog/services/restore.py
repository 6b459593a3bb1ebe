"""restore: check a backup (file, folder or bundle .zip), move the current logbook aside and
swap the restored copy in atomically."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from cmelog.errors import CmelogError, UsageError
from cmelog.paths import user_path
from cmelog.services.context import Context
from cmelog.structs import Struct


class Restored(Struct, frozen=True):
    source: Path
    logbook: Path
    aside: Path | None  # where the previous logbook was kept
    entries: int
    attestations: int
    certificates: int
    warnings: tuple[str, ...] = ()


def _bad_backup(path: Path, why: str) -> CmelogError:
    return CmelogError(
        f"{path} cannot be restored ({why}); nothing was changed. Give a backup written by "
        "`cmelog backup` or a bundle written by `cmelog audit-export --bundle`."
    )


def _check_database(db: Path, shown: Path) -> tuple[int, int]:
    """(entries, attestations) of a sound cmelog database, else exit 1."""
    from cmelog.storage.db import (
        APPLICATION_ID,
        SCHEMA_VERSION,
        SQLITE_HEADER,
        _ro_uri,
        quick_check,
    )

    try:
        with db.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise _bad_backup(shown, str(exc.strerror)) from None
    if header != SQLITE_HEADER:
        raise _bad_backup(shown, "it is not an SQLite database")
    try:
        con = sqlite3.connect(_ro_uri(db, immutable=True), uri=True)
        try:
            problem = quick_check(con, full=True)
            if problem is not None:
                raise _bad_backup(shown, f"it is damaged: {problem}")
            app = con.execute("PRAGMA application_id").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if app != APPLICATION_ID:
                raise _bad_backup(shown, "it is not a cmelog logbook")
            if version > SCHEMA_VERSION:
                raise _bad_backup(shown, f"it was written by a newer cmelog (schema {version})")
            entries = con.execute("SELECT count(*) FROM entry").fetchone()[0]
            attestations = con.execute("SELECT count(*) FROM attestation").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise _bad_backup(shown, f"it is damaged: {exc}") from None
    return int(entries), int(attestations)


def _find_database(folder: Path, name: str) -> Path:
    preferred = folder / name
    if preferred.is_file():
        return preferred
    found = sorted(folder.glob("*.db"))
    if len(found) == 1:
        return found[0]
    raise _bad_backup(folder, f"it holds no {name} (or more than one .db file)")


def restore(ctx: Context, source_text: str, confirm: Callable[[str], bool] | None) -> Restored:
    """`confirm(question)` is asked before anything changes (None: already confirmed)."""
    from cmelog.services.backup import referenced_shas
    from cmelog.services.files import make_dir, private_dir, tmp_name
    from cmelog.storage.db import backup_file, certificates_dir, resolve_path

    if not source_text.strip():
        raise UsageError("BACKUP is empty; give a backup file, backup folder or bundle .zip.")
    source = user_path(source_text).absolute()
    target = resolve_path(ctx.db_option)
    if not source.exists():
        raise UsageError(
            f"{source} does not exist; give a backup file, backup folder or bundle .zip."
        )
    if source.is_file() and source.suffix.lower() == ".zip":
        return _restore_bundle(ctx, source, confirm)
    if source.is_dir():
        db = _find_database(source, target.name)
        certs_src = source / "certificates"
    else:
        db = source
        certs_src = source.parent / "certificates"
    if target.exists() and os.path.realpath(db) == os.path.realpath(target):
        raise UsageError(f"{source} is the logbook in use; give a backup of it to restore.")
    entries, attestations = _check_database(db, source)
    warnings: list[str] = []
    # every certificate the backup names must be found whole (in the backup or already here)
    from cmelog.services.backup import intact
    from cmelog.services.certificates import certificate_file

    missing = []
    for sha in sorted(referenced_shas(db)):
        here = certificate_file(certificates_dir(target), sha, None)
        there = certificate_file(certs_src, sha, None) if certs_src.is_dir() else None
        if not (intact(here) or (there is not None and intact(there))):
            missing.append(sha)
    if missing:
        warnings.append(
            f"{len(missing)} certificate(s) named in the backup were not found beside it nor "
            "in the logbook's certificates folder (see `cmelog check`)"
        )
    question = (
        f"Replace the logbook {target} with {source} ({entries} entries, "
        f"{attestations} attestations)? The current logbook is kept aside."
    )
    if confirm is not None and not confirm(question):
        raise CmelogError("Nothing was restored.")
    make_dir(target.parent)
    tmp = target.parent / tmp_name(".db")
    try:
        backup_file(db, tmp, verify=True)
        os.chmod(tmp, 0o600)
        count = 0
        if certs_src.is_dir():
            private_dir(certificates_dir(target))
            count = _copy_certificates_present(certs_src, certificates_dir(target))
        aside = _swap(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CmelogError(f"Could not restore {source}: {why}; nothing was changed.") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Restored(source, target, aside, entries, attestations, count, tuple(warnings))


def _copy_certificates_present(src: Path, dest: Path) -> int:
    """Add the backup's sound certificates to the logbook's folder (never replacing one)."""
    from cmelog.services.backup import cert_sha, copy_verified, intact

    count = 0
    for f in sorted(src.iterdir()):
        if f.is_file() and cert_sha(f.name) is not None and intact(f):
            copy_verified(f, dest)
            count += 1
    return count


def _swap(new: Path, target: Path) -> Path | None:
    """Keep the current logbook aside (a consistent copy), then rename `new` over it while
    holding its write lock. Returns where the previous logbook was kept."""
    from cmelog.storage.db import backup_file, busy_seconds

    if not target.exists() or target.stat().st_size == 0:
        os.replace(new, target)
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = target.with_name(f"{target.name}.before-restore-{stamp}")
    n = 2
    while aside.exists():
        aside = target.with_name(f"{target.name}.before-restore-{stamp}-{n}")
        n += 1
    con = sqlite3.connect(target, timeout=busy_seconds(), isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")  # no other cmelog writes while we swap
        try:
            backup_file(target, aside)
        except CmelogError:
            # the current logbook may itself be damaged: keep its bytes as they are
            import shutil

            shutil.copyfile(target, aside)
        os.chmod(aside, 0o600)
        os.replace(new, target)
        con.execute("ROLLBACK")
    finally:
        con.close()
    return aside


def _restore_bundle(ctx: Context, source: Path, confirm: Callable[[str], bool] | None) -> Restored:
    """A bundle holds entries and attestations as CSV and the certificates: the logbook's
    profile is kept, its entries and attestations are replaced by the bundle's."""
    from cmelog.services.importer import bundle_contents, store_bundle
    from cmelog.storage.db import resolve_path

    target = resolve_path(ctx.db_option)
    contents = bundle_contents(ctx, source)
    question = (
        f"Replace the entries and attestations of {target} with the {len(contents.entries)} "
        f"entries and {len(contents.attestations)} attestations of {source.name}? The current "
        "logbook is kept aside."
    )
    if confirm is not None and not confirm(question):
        raise CmelogError("Nothing was restored.")
    aside = _keep_aside(target)
    counts = store_bundle(ctx, contents, replace=True, command="restore")
    return Restored(source, target, aside, counts[0], counts[1], counts[2])


def _keep_aside(target: Path) -> Path:
    from cmelog.storage.db import backup_file

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = target.with_name(f"{target.name}.before-restore-{stamp}")
    n = 2
    while aside.exists():
        aside = target.with_name(f"{target.name}.before-restore-{stamp}-{n}")
        n += 1
    backup_file(target, aside, verify=True)
    os.chmod(aside, 0o600)
    return aside
