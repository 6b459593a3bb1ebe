"""Certificates: copied beside the logbook in certificates/, named by their SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cmelog.errors import CmelogError, UsageError


@dataclass(frozen=True)
class StoredCertificate:
    sha256: str
    name: str  # original file name
    path: Path
    created: bool  # False when an identical file was already stored


def check_certificate(path_text: str) -> Path:
    path = Path(path_text).expanduser()
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # e.g. a name too long for the file system
        is_file = False
    if not is_file:
        raise UsageError(
            f"--certificate {path_text!r} does not exist or is not a file; "
            "give the path of the certificate file (PDF or image)."
        )
    return path


def store_certificate(source: Path, folder: Path) -> StoredCertificate:
    """Copy `source` into `folder` under its SHA-256 (atomically; never overwrites)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=folder)
        try:
            with source.open("rb") as src, os.fdopen(fd, "wb") as out:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            target = folder / sha
            if target.exists():
                os.unlink(tmp)
                return StoredCertificate(sha, source.name, target, created=False)
            os.replace(tmp, target)
            return StoredCertificate(sha, source.name, target, created=True)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise CmelogError(
            f"Could not copy the certificate {source} into {folder}: {exc.strerror}."
        ) from None


def discard(stored: StoredCertificate | None) -> None:
    """Undo a copy made by a command that then failed."""
    if stored is not None and stored.created:
        stored.path.unlink(missing_ok=True)
