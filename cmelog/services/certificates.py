"""Certificates: copied beside the logbook in certificates/, named by their SHA-256."""

from __future__ import annotations

import hashlib
import os
import re
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


_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


def stored_suffix(name: str | None) -> str:
    """The extension a stored certificate keeps: the original's, lower-cased (".pdf"), or ""."""
    suffix = Path(name or "").suffix.lower()
    return suffix if _SUFFIX.fullmatch(suffix) else ""


def certificate_file(folder: Path, sha256: str, name: str | None) -> Path:
    """Where the certificate with this SHA-256 is stored: `<sha256><ext>`; a file stored by
    cmelog 0.1 (no extension) or under another extension is found too. The returned path may
    not exist (a missing certificate)."""
    preferred = folder / (sha256 + stored_suffix(name))
    if preferred.exists():
        return preferred
    bare = folder / sha256
    if bare.exists():
        return bare
    for other in sorted(folder.glob(sha256 + ".*")):
        return other
    return preferred


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
            existing = certificate_file(folder, sha, source.name)
            if existing.exists():
                os.unlink(tmp)
                return StoredCertificate(sha, source.name, existing, created=False)
            target = folder / (sha + stored_suffix(source.name))
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
