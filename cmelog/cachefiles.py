"""Files cmelog keeps in the user's cache folder so that a command starts faster: what it would
otherwise work out again from files it ships (ReportLab's reading of the embedded fonts, the
parsed rules files), stored with `marshal` (plain data, nothing executable).

A cache is never needed: `load` answers None for anything missing, damaged or foreign, and
`store` gives up silently on a folder it cannot write; the caller then works the answer out as
it would without a cache. Each caller checks that what it loads is what it asked for.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any


def folder(kind: str) -> Path:
    """`<user cache folder>/cmelog/<kind>`, not created."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cmelog")) / kind


def load(path: Path) -> Any:
    """The data stored at `path`, or None when there is none that can be read."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def store(path: Path, data: Any, *, replaces: str | None = None) -> None:
    """Store `data` at `path` (written aside, then renamed into place). Files of the folder
    matching the glob `replaces`, other than `path`, are removed: older versions of the same
    thing. Nothing is raised: data that marshal cannot hold, or a folder that cannot be
    written, leaves the cache as it was."""
    try:
        blob = marshal.dumps(data)
    except ValueError:
        return
    import tempfile  # only to write: reading, the common case, does without it

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if replaces is not None:
            for old in path.parent.glob(replaces):
                if old != path:
                    old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full cache folder: the next run works it out again
