"""Guarded, atomic output: a temporary file beside the target, then a rename.

Every temporary file or folder cmelog makes starts with TMP_PREFIX (and carries the pid of the
process that made it), so that a crash leaves something recognisable that the next run removes.
A write never replaces an existing file without `force`, and never, even with `force`, the
logbook, its journal/WAL/shared-memory files or anything in its certificates folder.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from cmelog.errors import CmelogError

TMP_PREFIX = ".cmelog-tmp-"
LEGACY_TMP_PREFIXES = (".incoming-",)  # certificates copied by cmelog 0.1
STALE_SECONDS = 300.0  # a leftover older than this, from a process that is gone, is removed
SIDE_SUFFIXES = ("", "-journal", "-wal", "-shm")
FILE_MODE = 0o600
DIR_MODE = 0o700


def tmp_name(suffix: str = "") -> str:
    """A fresh temporary name: `.cmelog-tmp-<pid>-<random><suffix>`."""
    import secrets  # hmac/hashlib/random: only for a write, not on every read

    return f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}{suffix}"


def is_tmp_name(name: str) -> bool:
    return name.startswith(TMP_PREFIX) or name.startswith(LEGACY_TMP_PREFIXES)


def make_dir(path: Path) -> Path:
    """Create `path` (and missing parents) with mode 0700, whatever the umask; an existing
    folder is left as it is (it may be the user's own)."""
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    path.mkdir(parents=True, exist_ok=True)
    for created in missing:
        with contextlib.suppress(OSError):
            os.chmod(created, DIR_MODE)
    return path


def private_dir(path: Path) -> Path:
    """A folder that belongs to cmelog (certificates/, backups/): created or set to 0700."""
    make_dir(path)
    try:
        if path.stat().st_mode & 0o777 != DIR_MODE:
            os.chmod(path, DIR_MODE)
    except OSError:
        pass
    return path


def protected_paths(logbook: Path) -> list[Path]:
    """The logbook and its side files (journal, WAL, shared memory)."""
    return [logbook.with_name(logbook.name + s) for s in SIDE_SUFFIXES]


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _same_inode(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.stat(), b.stat()
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def refuses(path: Path, protect: Path | None) -> str | None:
    """Why `path` must never be written (even with --force), or None."""
    if protect is None:
        return None
    target = _real(path)
    book = protect.absolute()
    for p in protected_paths(book) + protected_paths(_real(book)):
        if target == _real(p) or _same_inode(path, p):
            return "it is the logbook in use (or its journal)"
    certs = _real(book.parent / "certificates")
    if target == certs or certs in target.parents:
        return "it is inside the logbook's certificates folder"
    return None


def guard(
    path: Path,
    *,
    force: bool,
    protect: Path | None,
    what: str = "file",
    backup: bool = False,
) -> None:
    """Exit 1 (nothing changed) when writing `path` would replace a file without `force`, or
    would touch the logbook, its side files or its certificates at all. An export never
    replaces any cmelog logbook; a backup (`backup=True`) may replace an earlier backup."""
    why = refuses(path, protect)
    if why is None and not backup and _looks_like_logbook(path):
        why = "it is a cmelog logbook"
    if why is not None:
        raise CmelogError(
            f"Refusing to write {path}: {why}; nothing was changed. Give another output path."
        )
    if path.is_dir():
        raise CmelogError(f"{path} is a folder; give a file name to write.")
    if (path.exists() or path.is_symlink()) and not force:
        raise CmelogError(
            f"{path} already exists; nothing was changed. Give --force to replace it, or "
            f"another {what} name."
        )


def _looks_like_logbook(path: Path) -> bool:
    """A cmelog logbook (by its SQLite header and application id) is never overwritten."""
    from cmelog.storage.db import APPLICATION_ID, SQLITE_HEADER

    try:
        with path.open("rb") as fh:
            header = fh.read(72)
    except OSError:
        return False
    return (
        header[:16] == SQLITE_HEADER
        and len(header) >= 72
        and int.from_bytes(header[68:72], "big") == APPLICATION_ID
    )


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(
    path: Path,
    write: Callable[[BinaryIO], None],
    *,
    force: bool = False,
    protect: Path | None = None,
) -> Path:
    """Run `write(fh)` on a temporary file, then rename it to `path`. A failure leaves nothing.

    `force`: replace an existing file (otherwise exit 1). `protect`: the logbook in use; its
    file, journal, WAL and certificates are never written, even with `force`. The file is
    mode 0600; folders created on the way are 0700.
    """
    import tempfile

    path = path.absolute()
    guard(path, force=force, protect=protect)
    try:
        make_dir(path.parent)
        fd, name = tempfile.mkstemp(  # mode 0600
            prefix=f"{TMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=path.parent
        )
        tmp = Path(name)
    except OSError as exc:
        raise CmelogError(
            f"Cannot write {path}: {exc.strerror}; choose another --output."
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)
        guard(path, force=force, protect=protect)  # still true just before the rename
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CmelogError(f"Cannot write {path}: {exc.strerror}; nothing was written.") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _owner_pid(name: str) -> int | None:
    if not name.startswith(TMP_PREFIX):
        return None
    head = name[len(TMP_PREFIX) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def is_stale(path: Path, *, now: float | None = None, age: float = STALE_SECONDS) -> bool:
    """A temporary leftover: older than `age` seconds and not held by a live process."""
    try:
        mtime = path.lstat().st_mtime
    except OSError:
        return False
    if (now if now is not None else time.time()) - mtime < age:
        return False
    pid = _owner_pid(path.name)
    return pid is None or not _pid_alive(pid)


def leftovers(folders: Iterable[Path]) -> list[Path]:
    """Every temporary file or folder cmelog left in `folders` (any age)."""
    found: list[Path] = []
    for folder in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        found += [folder / n for n in names if is_tmp_name(n)]
    return found


def remove_path(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def sweep(folders: Iterable[Path]) -> int:
    """Remove the stale temporary leftovers in `folders`; the number removed."""
    removed = 0
    for path in leftovers(folders):
        if is_stale(path):
            try:
                remove_path(path)
                removed += 1
            except OSError:
                pass
    return removed
