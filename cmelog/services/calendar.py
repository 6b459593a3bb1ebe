"""calendar: the renewal deadline, application-mailing date and waiver deadline as .ics."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import BinaryIO

from cmelog import __version__
from cmelog.domain.dates import parse_date
from cmelog.errors import UsageError
from cmelog.paths import user_path
from cmelog.services.context import Context, require_profile
from cmelog.services.files import atomic_write


def stamp_for(as_of: date) -> datetime:
    """DTSTAMP: SOURCE_DATE_EPOCH when set (reproducible builds), else the as-of date at
    00:00 UTC. Stable for a given day and as-of, yet later exports carry a later stamp, so a
    calendar re-importing the file sees the newer version of each event."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise UsageError(
                f"SOURCE_DATE_EPOCH {epoch!r} is not valid; give whole seconds since 1970."
            )
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (OverflowError, ValueError, OSError):
            raise UsageError(
                f"SOURCE_DATE_EPOCH {epoch!r} is out of range; give whole seconds since 1970."
            ) from None
    return datetime.combine(as_of, time(0, 0), tzinfo=UTC)


def write_calendar(
    ctx: Context, output: str, as_of: str | None, *, force: bool = False, only: str | None = None
) -> Path:
    """The first license's calendar, or that of the license or ledger `only` (--license)."""
    from cmelog.render.ics import render_ics
    from cmelog.rules import load_rules
    from cmelog.services.remind import renewal_at
    from cmelog.services.status import held, select

    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    stamp = stamp_for(today)
    with ctx.logbook().reader() as s:
        physician = require_profile(s)
    licenses, ledgers = (
        select(physician, only) if only is not None else ([physician.all_licenses[0]], [])
    )
    ledger = ledgers[0] if ledgers else None
    rules = load_rules(ledger.kind if ledger else licenses[0].board, ctx.rules_dir)
    h = held(physician, rules, licenses[0] if licenses else None, ledger)
    renewal = renewal_at(h.profile, today, as_of, rules, h.clock)
    wording = tuple(
        w.format(board=h.license.board, name=rules.name)
        for w in (rules.calendar.renewal, rules.calendar.application, rules.calendar.waiver)
    )
    data = render_ics(
        renewal,
        license=h.license.number,
        name=physician.name,
        version=__version__,
        stamp=stamp,
        wording=(wording[0], wording[1], wording[2]),
    )

    def write(fh: BinaryIO) -> None:
        fh.write(data)

    return atomic_write(user_path(output), write, force=force, protect=ctx.path)
