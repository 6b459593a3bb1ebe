"""Atomic output: write a temporary file beside the target, then rename it into place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from cmelog.errors import CmelogError


def atomic_write(
    path: Path,
    write: Callable[[BinaryIO], None],
    *,
    force: bool = False,
    protect: Path | None = None,
) -> Path:
    """Run `write(fh)` on a temporary file, then rename it to `path`. A failure leaves nothing.

    `force`: replace an existing file (otherwise exit 1). `protect`: the logbook in use; its
    file, journal, WAL and certificates are never written, even with `force`.
    (Contract for 0.2; the guard itself is implemented with issue 10.)
    """
    path = path.absolute()
    if path.is_dir():
        raise CmelogError(f"{path} is a folder; give a file name to write.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise CmelogError(
            f"Cannot write {path}: {exc.strerror}; choose another --output."
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CmelogError(f"Cannot write {path}: {exc.strerror}; nothing was written.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
