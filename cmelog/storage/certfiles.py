"""Where certificate files live beside the logbook: `certificates/<sha256><ext>`.

File-level helpers shared by storage (the schema 2 migration renames cmelog 0.1's
extension-less files) and the services.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

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


def migrate_bare(folder: Path, sha256: str, name: str | None) -> Path | None:
    """Give a certificate stored by cmelog 0.1 as `<sha256>` (no extension) the extension of
    its recorded name. One atomic rename: an interruption leaves either name, and
    `certificate_file` finds both. Returns the path now holding the file (None if absent)."""
    bare = folder / sha256
    suffix = stored_suffix(name)
    target = folder / (sha256 + suffix)
    if not suffix or not bare.is_file() or bare.is_symlink():
        found = certificate_file(folder, sha256, name)
        return found if found.exists() else None
    if target.exists():  # both exist (an earlier run was interrupted after copying): keep one
        bare.unlink(missing_ok=True)
        return target
    os.replace(bare, target)
    return target


def migrate_folder(folder: Path, records: list[tuple[str, str | None]]) -> None:
    """After the schema 2 migration: every recorded certificate gets its extension, and every
    file in the folder mode 0600 (0.1 may have left others). Best effort: a file that cannot be
    renamed is still found under its old name."""
    for sha, name in records:
        try:
            migrate_bare(folder, sha, name)
        except OSError:
            continue
    try:
        files = list(folder.iterdir())
    except OSError:
        return
    for f in files:
        try:
            if f.is_file() and not f.is_symlink():
                os.chmod(f, 0o600)
        except OSError:
            continue
