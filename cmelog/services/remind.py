"""remind (for cron) and its crontab line."""

from __future__ import annotations

import shlex
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cmelog.domain.dates import parse_date
from cmelog.domain.reminders import reminder_text, should_speak
from cmelog.errors import UsageError
from cmelog.services.context import Context, require_profile, rules_for

if TYPE_CHECKING:
    from cmelog.domain.model import Profile, Renewal


MAX_DAYS = 36_525  # a century: the window is stored as a milestone (an SQLite integer)


def renewal_at(profile: Profile, today: date, as_of: str | None) -> Renewal:
    """renewal_status, with an --as-of too near the ends of the calendar as a usage error."""
    from cmelog.domain.cycles import renewal_status

    try:
        return renewal_status(profile, today, rules_for(profile).renewal)
    except (ValueError, OverflowError):
        if as_of is None:
            raise
        raise UsageError(
            f"--as-of {today.isoformat()} is too far from any renewal date cmelog can compute "
            "(years 1 to 9999); give a nearer date."
        ) from None


def remind(ctx: Context, as_of: str | None, days: int, every: bool) -> str | None:
    """The reminder to print, or None for silence; records the milestone spoken."""
    from cmelog.services.status import evaluate_window
    from cmelog.storage import reads, repo

    if days < 0:
        raise UsageError(f"--days {days} is negative; give a number of days, 0 or more.")
    if days > MAX_DAYS:
        raise UsageError(f"--days {days} is too large; give a number of days up to {MAX_DAYS}.")
    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    with ctx.logbook().session(write=True) as s:
        profile = require_profile(s)
        renewal = renewal_at(profile, today, as_of)
        sent = reads.reminders_sent(s, renewal.renewal_date)
        milestone = should_speak(renewal.days_until_renewal, days, sent, every)
        if milestone is None:
            return None
        ev = evaluate_window(s, rules_for(profile), profile, renewal.current, detail=False)
        if milestone not in sent:
            repo.record_reminder(s, renewal.renewal_date, milestone, today)
        return reminder_text(renewal, ev.requirements)


def executable() -> Path:
    """The absolute path of the `cmelog` executable running now (or beside this Python)."""
    argv0 = Path(sys.argv[0])
    if argv0.name == "cmelog" and argv0.exists():
        return argv0.absolute()
    beside = Path(sys.executable).parent / "cmelog"
    if beside.exists():
        return beside.absolute()
    found = shutil.which("cmelog")
    return Path(found).absolute() if found else beside.absolute()


def crontab_line(ctx: Context, days: int, every: bool = False) -> str:
    extra = (f" --days {days}" if days != 60 else "") + (" --every" if every else "")
    exe = shlex.quote(str(executable()))
    db = shlex.quote(str(ctx.path))
    # cron turns an unescaped `%` in the command into a newline (and stdin): escape it
    command = f"{exe} --db {db} remind{extra}".replace("%", "\\%")
    return f"0 8 * * * {command}"
