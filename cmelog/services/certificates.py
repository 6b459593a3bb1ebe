"""Certificates: copied beside the logbook in certificates/, named by their SHA-256."""

from __future__ import annotations

import os
from pathlib import Path

from cmelog.errors import CmelogError, UsageError
from cmelog.paths import user_path
from cmelog.services.files import TMP_PREFIX
from cmelog.storage.certfiles import (
    certificate_file,
    migrate_bare,
    stored_suffix,
)
from cmelog.structs import Struct


class StoredCertificate(Struct, frozen=True):
    sha256: str
    name: str  # original file name
    path: Path
    created: bool  # False when an identical file was already stored


def check_certificate(path_text: str) -> Path:
    path = user_path(path_text)
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
    import hashlib  # only to store a file: kept off the start-up of every read
    import tempfile

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=folder)
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


def certificate_path(folder: Path, entry: object) -> Path | None:
    """Where an entry's certificate is (migrating a 0.1 file on first use); None if missing."""
    sha = getattr(entry, "certificate_sha256", None)
    if not sha:
        return None
    try:
        return migrate_bare(folder, sha, getattr(entry, "certificate_name", None))
    except OSError:
        found = certificate_file(folder, sha, getattr(entry, "certificate_name", None))
        return found if found.exists() else None


def viewer_command(path: Path, platform: str | None = None) -> list[str] | None:
    """The system viewer's command for `path` (None on Windows: os.startfile is used)."""
    import shutil
    import sys

    platform = platform or sys.platform
    if platform.startswith("win"):
        return None
    if platform == "darwin":
        return ["open", str(path)]
    if shutil.which("xdg-open"):
        return ["xdg-open", str(path)]
    if shutil.which("gio"):
        return ["gio", "open", str(path)]
    raise CmelogError(
        f"No viewer found to open {path} (neither xdg-open nor gio is installed); open the "
        "file yourself."
    )


def open_certificate(folder: Path, entry: object) -> Path:
    """Hand the entry's certificate to the system viewer; exit 1 when there is none."""
    import subprocess
    import sys

    entry_id = getattr(entry, "id", "?")
    if not getattr(entry, "certificate_sha256", None):
        raise CmelogError(
            f"Entry {entry_id} has no certificate; attach one with "
            f"`cmelog edit {entry_id} --certificate FILE`."
        )
    path = certificate_path(folder, entry)
    if path is None:
        raise CmelogError(
            f"The certificate of entry {entry_id} is missing from {folder}; "
            "`cmelog check` lists missing certificates."
        )
    command = viewer_command(path)
    if command is None:
        startfile = getattr(os, "startfile", None)
        if startfile is None:  # pragma: no cover - not Windows after all
            raise CmelogError(f"No viewer found to open {path}; open the file yourself.")
        startfile(str(path))
        return path
    try:
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=sys.platform != "win32",
        )
    except OSError as exc:
        raise CmelogError(f"Could not start {command[0]} to open {path}: {exc.strerror}.") from None
    return path
