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

    @property
    def rules_dir(self) -> Path:
        """A user's own rules files: `<data folder>/rules/` (the folder of the logbook)."""
        return self.path.parent / "rules"

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


def rules_for(profile: Profile | None, ctx: Context | None = None) -> Rules:
    """The rules of the profile's first license (Massachusetts without a profile)."""
    from cmelog.rules import load_rules

    return load_rules(profile.board if profile else "MA", ctx.rules_dir if ctx else None)


def entry_rules(profile: Profile, ctx: Context | None = None) -> Rules:
    """The rules an entry is checked against: the first license's kinds and formats, and every
    topic of the shared vocabulary and of every board and ledger held (cli.md 0.2: topics are
    one vocabulary)."""
    from cmelog.domain.topics import VOCABULARY
    from cmelog.rules import load_rules
    from cmelog.structs import replace

    user = ctx.rules_dir if ctx else None
    first = rules_for(profile, ctx)
    topics = {**VOCABULARY, **first.topics}
    kinds = dict(first.kinds)
    codes = [lic.board for lic in profile.all_licenses[1:]] + [g.kind for g in profile.ledgers]
    for code in codes:
        try:
            other = load_rules(code, user)
        except Exception:  # a board whose file went away: its topics are simply not offered
            continue
        topics.update({k: v for k, v in other.topics.items() if k not in topics})
        kinds.update({k: v for k, v in other.kinds.items() if k not in kinds})
    return replace(first, topics=topics, kinds=kinds)
