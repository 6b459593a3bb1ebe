"""remind and calendar."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cmelog.commands.common import (
    AsOfOpt,
    _ctx,
    _whole,
    app,
)


# ------------------------------------------------------------------ reminders & calendar
@app.command()
def remind(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    days: Annotated[
        str, typer.Option("--days", help="Speak from this many days before renewal.", metavar="N")
    ] = "60",
    every: Annotated[
        bool, typer.Option("--every", help="Speak on every call in the window.")
    ] = False,
    crontab: Annotated[
        bool, typer.Option("--crontab", help="Print a ready crontab line and exit.")
    ] = False,
) -> None:
    """For cron: silent until the renewal date is near, then what is still missing."""
    from cmelog.services.remind import crontab_line
    from cmelog.services.remind import remind as run_remind

    c = _ctx(ctx)
    n = _whole(days, "--days", "a whole number of days, 0 or more (default 60)")
    if crontab:
        typer.echo(crontab_line(c, n, every))
        return
    text = run_remind(c, as_of, n, every)
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command()
def calendar(
    ctx: typer.Context,
    output: Annotated[
        str, typer.Option("--output", "-o", help="The .ics file to write.", metavar="FILE.ics")
    ],
    as_of: AsOfOpt = None,
) -> None:
    """Write the renewal deadline, mailing date and waiver deadline as iCalendar."""
    from cmelog.services.calendar import write_calendar

    path = write_calendar(_ctx(ctx), output, as_of)
    typer.echo(str(path))
