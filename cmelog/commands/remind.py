"""remind, calendar and channel."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cmelog.commands.common import (
    AsOfOpt,
    JsonOpt,
    LicenseSelectOpt,
    _ctx,
    _whole,
    app,
)
from cmelog.errors import UsageError

if TYPE_CHECKING:
    from cmelog.services.remind import RemindOutcome

channel_app = typer.Typer(
    help="Where reminders are delivered: e-mail, desktop notification, a command, stdout.\n\n"
    "Example: cmelog channel add 'smtp://me@mail.example.org?from=me@example.org"
    "&to=me@example.org'",
    invoke_without_command=True,
)
app.add_typer(channel_app, name="channel")


@channel_app.callback()
def _channel(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:  # bare `cmelog channel`: its help, once
        help_text = ctx.get_help()  # Typer's rich help prints itself and returns ""
        if help_text:
            typer.echo(help_text)


def _tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


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
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print what would be sent; send and record nothing."),
    ] = False,
    record: Annotated[
        bool,
        typer.Option(
            "--record", help="With --as-of: deliver and record exactly as a real run that day."
        ),
    ] = False,
    crontab: Annotated[
        bool, typer.Option("--crontab", help="Print a ready crontab line and exit.")
    ] = False,
    install: Annotated[
        bool,
        typer.Option("--install", help="Run remind daily with this computer's own scheduler."),
    ] = False,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="With --install: the time of day (default 08:00).", metavar="HH:MM"
        ),
    ] = None,
    uninstall: Annotated[
        bool, typer.Option("--uninstall", help="Remove the daily job that --install set up.")
    ] = False,
    show_status: Annotated[
        bool,
        typer.Option(
            "--status", help="The daily job, the channels, the next reminder, the last delivery."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Deliver the renewal reminder when one is due (made for a daily job).

    Silent until the renewal is near; then once per milestone what is still missing.

    Milestones: 60, 30, 14, 7 and 1 days before, and the day itself.

    Delivered through every channel set with `cmelog channel` (else printed).

    Example: cmelog remind --install --at 08:30

    Example: cmelog remind --dry-run
    """
    c = _ctx(ctx)
    n = _whole(days, "--days", "a whole number of days, 0 or more (default 60)")
    modes = [
        name
        for name, on in (
            ("--crontab", crontab),
            ("--install", install),
            ("--uninstall", uninstall),
            ("--status", show_status),
        )
        if on
    ]
    if len(modes) > 1:
        raise UsageError(f"{' and '.join(modes)} cannot be combined; give one of them.")
    if at is not None and not install:
        raise UsageError("--at is the time of day of the daily job; give it with --install.")
    if as_json and not show_status:
        raise UsageError("--json goes with --status; `remind` itself prints the reminder text.")
    if crontab:
        from cmelog.services.remind import crontab_line

        typer.echo(crontab_line(c, n, every))
        return
    if install:
        from cmelog.services.scheduler import install as run_install

        done = run_install(c, at, n, every)
        typer.echo(
            f"Installed the daily reminder job ({done.scheduler}, every day at {done.at}): "
            f"{done.where}."
        )
        if done.scheduler != "task-scheduler":
            typer.echo(f"It runs: {done.command}")
        return
    if uninstall:
        from cmelog.services.scheduler import uninstall as run_uninstall

        removed = run_uninstall(c)
        typer.echo(
            "Removed " + " and ".join(removed) + "."
            if removed
            else "No daily reminder job was installed; nothing to remove."
        )
        return
    if show_status:
        from cmelog.services.scheduler import status as job_status

        doc = job_status(c, as_of, n)
        if as_json:
            from cmelog.render.jsonout import dump

            dump(doc)
        else:
            _print_status(doc)
        return

    from cmelog.services.remind import remind as run_remind

    outcome = run_remind(c, as_of, n, every, dry_run=dry_run, record=record)
    _print_outcome(outcome)


def _print_outcome(outcome: RemindOutcome) -> None:
    from cmelog.domain.reminders import milestone_name

    tty = _tty()
    if outcome.text is None:
        if tty and outcome.note:
            typer.echo(outcome.note)
        return
    if outcome.preview:
        sys.stdout.write(outcome.text)
        if tty:
            where = ", ".join(outcome.channels) or "standard output"
            typer.echo(f"(Preview: this would go to {where}; nothing was sent or recorded.)")
        return
    for failure in outcome.failed:
        sys.stderr.write(
            f"cmelog: warning: channel {failure.channel} did not deliver ({failure.reason}); "
            f"the reminder went through {', '.join(outcome.delivered)}.\n"
        )
    if tty and "stdout" not in outcome.delivered:
        typer.echo(
            f"Sent the {milestone_name(outcome.milestone or 0)} reminder through "
            f"{', '.join(outcome.delivered)}."
        )


def _print_status(doc: dict[str, object]) -> None:
    from typing import Any, cast

    from cmelog.domain.reminders import days_before, milestone_name

    d = cast(dict[str, Any], doc)
    if d["installed"]:
        typer.echo(f"Daily job:      installed ({d['scheduler']}), every day at {d['at']}")
    else:
        typer.echo("Daily job:      not installed (set it up with `cmelog remind --install`)")
    channels = d["channels"]
    typer.echo(
        "Channels:       "
        + (", ".join(channels) if channels else "none (reminders go to standard output)")
    )
    nxt = d["next_milestone"]
    typer.echo(
        "Next reminder:  "
        + (f"{nxt['date']} ({days_before(nxt['days'])} the renewal)" if nxt else "none")
    )
    last = d["last_delivery"]
    typer.echo(
        "Last delivery:  "
        + (
            f"{last['date']}, the {milestone_name(last['milestone'])} reminder, through "
            f"{', '.join(last['channels'])}"
            if last
            else "none yet"
        )
    )


@app.command()
def calendar(
    ctx: typer.Context,
    output: Annotated[
        str, typer.Option("--output", "-o", help="The .ics file to write.", metavar="FILE.ics")
    ],
    as_of: AsOfOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
    license: LicenseSelectOpt = None,
) -> None:
    """Write the renewal deadline, mailing date and waiver deadline as iCalendar (the first
    license's, or --license BOARD's).

    Import the file into your calendar once: the zero-setup way to be reminded.
    Example: cmelog calendar --output renewal.ics
    """
    from cmelog.services.calendar import write_calendar

    path = write_calendar(_ctx(ctx), output, as_of, force=force, only=license)
    typer.echo(str(path))


# ------------------------------------------------------------------ channels
@channel_app.command("add")
def channel_add(
    ctx: typer.Context,
    url: Annotated[
        str,
        typer.Argument(
            help="smtp://[USER@]HOST[:PORT]?from=ADDR&to=ADDR[&tls=starttls|ssl|none], "
            "desktop:, exec:COMMAND or stdout:",
            metavar="URL",
        ),
    ],
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="A name for it (default: the kind, e.g. smtp).", metavar="NAME"
        ),
    ] = None,
) -> None:
    """Add a delivery channel. Example: cmelog channel add desktop:"""
    from cmelog.services.channels import add

    channel = add(_ctx(ctx), url, name)
    typer.echo(f"Added channel {channel.name}: {channel.url}")
    if channel.scheme == "smtp" and channel.smtp and channel.smtp.user:
        typer.echo("The password is read from CMELOG_SMTP_PASSWORD when a reminder is sent.")
    typer.echo(f"Try it with `cmelog channel test {channel.name}`.")


@channel_app.command("list")
def channel_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The delivery channels. Example: cmelog channel list --json"""
    from cmelog.services.channels import listing

    channels = listing(_ctx(ctx))
    if as_json:
        from cmelog.render.jsonout import dump

        dump([{"name": c.name, "url": c.url, "scheme": c.scheme} for c in channels])
        return
    if not channels:
        typer.echo(
            "No channels: reminders go to standard output. Add one with `cmelog channel add URL`."
        )
        return
    from cmelog.domain.textsafe import neutralise

    width = max(len(c.name) for c in channels)
    for c in channels:
        typer.echo(f"{c.name.ljust(width)}  {neutralise(c.url)}")


@channel_app.command("remove")
def channel_remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The channel's name.", metavar="NAME")],
) -> None:
    """Remove a delivery channel. Example: cmelog channel remove smtp"""
    from cmelog.services.channels import remove

    remove(_ctx(ctx), name)
    typer.echo(f"Removed channel {name}.")


@channel_app.command("test")
def channel_test(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The channel's name.", metavar="NAME")],
) -> None:
    """Send a test message through a channel. Example: cmelog channel test smtp"""
    from cmelog.services.channels import send_test

    send_test(_ctx(ctx), name)
    typer.echo(f"Delivered the test message through {name}.")
