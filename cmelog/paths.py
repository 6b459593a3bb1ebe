"""A path typed by the user, with `~` expanded where it can be."""

from __future__ import annotations

from pathlib import Path


def user_path(text: str) -> Path:
    """`~/x` and `~user/x` expanded; a `~name` naming no user (`~0`) stays as typed, a relative
    file name, as a shell would leave it."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "Could not determine home directory"
        return Path(text)
