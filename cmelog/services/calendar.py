"""calendar: the renewal deadline, application-mailing date and waiver deadline as .ics."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from cmelog import __version__
from cmelog.domain.dates import parse_date
from cmelog.services.context import Context, require_profile
from cmelog.services.files import atomic_write


def write_calendar(ctx: Context, output: str, as_of: str | None) -> Path:
    from cmelog.render.ics import render_ics
    from cmelog.services.remind import renewal_at

    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    with ctx.logbook().reader() as s:
        profile = require_profile(s)
    renewal = renewal_at(profile, today, as_of)
    data = render_ics(renewal, license=profile.license, name=profile.name, version=__version__)

    def write(fh: BinaryIO) -> None:
        fh.write(data)

    return atomic_write(Path(output).expanduser(), write)
