"""What every service needs: where the logbook is, what 'today' is, and the profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmelog.errors import NoProfileError

if TYPE_CHECKING:
    from cmelog.domain.model import Profile
    from cmelog.domain.rules import Rules
    from cmelog.storage.db import Logbook


@dataclass
class Context:
    db_option: str | None = None
    today: date = field(default_factory=date.today)
    _logbook: Logbook | None = None

    @property
    def path(self) -> Path:
        from cmelog.storage.db import resolve_path

        return resolve_path(self.db_option)

    def logbook(self, *, create: bool = False) -> Logbook:
        if self._logbook is None:
            from cmelog.storage.db import open_logbook

            self._logbook = open_logbook(self.path, create=create)
        return self._logbook


def require_profile(c: Any) -> Profile:
    """The profile, read through a reader connection or a session; exit 1 without one."""
    from cmelog.storage import reads

    profile = reads.get_profile(c)
    if profile is None:
        row = reads.connection(c).execute("PRAGMA database_list").fetchone()
        raise NoProfileError(row[2] if row else None)
    return profile


def rules_for(profile: Profile | None) -> Rules:
    from cmelog.rules import load_rules

    return load_rules(profile.board if profile else "MA")
