"""One exit-status enum and one exception type, caught at one exit point (cli.main)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes of the command-line contract (spec/cli.md)."""

    OK = 0
    FAILURE = 1  # operational: no profile, not found, database unusable, output not writable
    USAGE = 2  # invalid input or usage
    INCOMPLETE = 3  # status --check: requirements not all met


class CmelogError(Exception):
    """An expected failure: one sentence for the user and the exit status to end with."""

    def __init__(self, message: str, status: ExitStatus = ExitStatus.FAILURE) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class UsageError(CmelogError):
    """Invalid input: exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ExitStatus.USAGE)


class EntryNotFound(CmelogError):
    """No entry has this id (exit 1)."""

    def __init__(self, entry_id: int) -> None:
        super().__init__(
            f"There is no entry {entry_id}; `cmelog list` shows the entries and their ids."
        )


class NoProfileError(CmelogError):
    def __init__(self, path: object = None, *, missing_file: bool = False) -> None:
        if missing_file:
            message = (
                f"There is no cmelog logbook at {path} yet; run `cmelog init` to create it, "
                "or give --db (or CMELOG_DB) the path of your logbook."
            )
        else:
            where = f"The logbook {path}" if path else "This logbook"
            message = f"{where} has no physician profile yet; run `cmelog init` first."
        super().__init__(message, ExitStatus.FAILURE)
