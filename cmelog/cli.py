"""The command-line interface: parse, call one service, render.

Importing this module must stay cheap: SQLAlchemy/SQLModel, ReportLab and icalendar are imported
inside the commands that need them (tests/test_startup.py guards it).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cmelog import __version__
from cmelog._click import Abort, Exit, NoArgsIsHelpError, click
from cmelog._click import UsageError as ClickUsageError
from cmelog.errors import CmelogError, ExitStatus, UsageError
from cmelog.services.context import Context


class CmelogGroup(TyperGroup):
    """The one exit point: every failure becomes one sentence on stderr and an exit status."""

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code = run_guarded(
            lambda: super(CmelogGroup, self).main(
                args, prog_name or "cmelog", complete_var, standalone_mode=False, **extra
            )
        )
        if standalone_mode:
            sys.exit(code)
        return code


def _err(message: str) -> None:
    sys.stderr.write(f"cmelog: {message}\n")
    sys.stderr.flush()


def run_guarded(call: Any) -> int:
    debug = os.environ.get("CMELOG_DEBUG") == "1"
    try:
        rv = call()
        return rv if isinstance(rv, int) else 0
    except CmelogError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        _err(exc.message)
        return int(exc.status)
    except Exit as exc:
        return int(exc.exit_code)
    except ClickUsageError as exc:
        if NoArgsIsHelpError is not None and isinstance(exc, NoArgsIsHelpError):
            click.echo(exc.ctx.get_help() if exc.ctx else "")
            return 0
        hint = ""
        if exc.ctx is not None:
            hint = f" (see `{exc.ctx.command_path} --help`)"
        _err(exc.format_message().rstrip(".") + "." + hint)
        return int(ExitStatus.USAGE)
    except Abort:
        _err("Stopped; nothing was changed.")
        return int(ExitStatus.FAILURE)
    except KeyboardInterrupt:
        _err("Interrupted; nothing was changed.")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: never a traceback for users
        if debug:
            raise
        _err(
            f"Unexpected error ({type(exc).__name__}: {exc}); nothing was changed. "
            "Set CMELOG_DEBUG=1 to see the details."
        )
        return int(ExitStatus.FAILURE)


app = typer.Typer(
    cls=CmelogGroup,
    name="cmelog",
    help="A personal CME logbook for Massachusetts physicians: what have I earned, what is "
    "still missing before my renewal date, and can I hand the Board my evidence tonight?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
profile_app = typer.Typer(
    help="Show the physician profile; `profile set` changes it.", invoke_without_command=True
)
app.add_typer(profile_app, name="profile")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cmelog {__version__}")
        raise typer.Exit(0)


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Logbook file (default: $CMELOG_DB, else the per-user data folder).",
            metavar="PATH",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = Context(db_option=db)


def _ctx(ctx: typer.Context) -> Context:
    obj = ctx.find_root().obj
    assert isinstance(obj, Context)
    return obj


def _interactive() -> bool:
    return sys.stdin.isatty()


# ------------------------------------------------------------------ options shared by add/edit
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Pretend today is this date.", metavar="DATE")
]
DateOpt = Annotated[
    str | None, typer.Option("--date", help="YYYY-MM-DD, today or yesterday.", metavar="DATE")
]
EndOpt = Annotated[
    str | None, typer.Option("--end-date", help="Last day of a multi-day activity.", metavar="DATE")
]
CategoryOpt = Annotated[
    str | None, typer.Option("--category", help="1 or 2 (AMA PRA Category).", metavar="{1,2}")
]
CreditsOpt = Annotated[
    str | None,
    typer.Option("--credits", help="Credits designated on the certificate.", metavar="X"),
]
MinutesOpt = Annotated[
    str | None, typer.Option("--minutes", help="Time spent, in minutes.", metavar="N")
]
HoursOpt = Annotated[str | None, typer.Option("--hours", help="Time spent, in hours.", metavar="H")]
ProviderOpt = Annotated[
    str | None, typer.Option("--provider", help="Accredited provider (Category 1).", metavar="NAME")
]
TopicOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--topic", help="Topic slug (repeatable); see `cmelog requirements`.", metavar="SLUG"
    ),
]
KindOpt = Annotated[
    str | None,
    typer.Option("--kind", help="activity (default), teaching, article, ...", metavar="SLUG"),
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", help="live, online, enduring, ...", metavar="SLUG")
]
UrlOpt = Annotated[str | None, typer.Option("--url", metavar="URL")]
CertOpt = Annotated[
    str | None,
    typer.Option("--certificate", help="Certificate file to keep with the entry.", metavar="FILE"),
]
NotesOpt = Annotated[str | None, typer.Option("--notes", metavar="TEXT")]
DupOpt = Annotated[
    bool, typer.Option("--allow-duplicate", help="Store even if an identical entry exists.")
]


# ------------------------------------------------------------------ init / profile
def _profile_input(**kw: Any) -> Any:
    from cmelog.services.profile import ProfileInput

    return ProfileInput(**kw)


def _print_profile(ctx: Context, profile: Any, as_json: bool) -> None:
    if as_json:
        from cmelog.render.jsonout import dump, profile_json

        dump(profile_json(profile))
        return
    from cmelog.domain.cycles import renewal_day, renewal_status
    from cmelog.render.text import profile_text
    from cmelog.services.context import rules_for

    r = renewal_status(profile, ctx.today, rules_for(profile).renewal)
    line = f"{r.renewal_date.isoformat()} ({r.days_until_renewal} days)"
    if r.source == "estimated":
        line += "; estimated: enter the date printed on your license with --license-expires"
    if renewal_day(profile) != profile.birthday:
        line += "; on the day printed on your license, which is not your birthday"
    profile_text(profile, line)


NameOpt = Annotated[str | None, typer.Option("--name", help="Your name as on the license.")]
BirthdayOpt = Annotated[str | None, typer.Option("--birthday", metavar="DATE")]
LicenseOpt = Annotated[
    str | None, typer.Option("--license", help="License number.", metavar="NUMBER")
]
ExpiresOpt = Annotated[
    str | None,
    typer.Option(
        "--license-expires", help="Expiration date printed on the license.", metavar="DATE"
    ),
]
IssuedOpt = Annotated[
    str | None,
    typer.Option("--license-issued", help="Date of the initial full license.", metavar="DATE"),
]
BoardOpt = Annotated[str | None, typer.Option("--board", help="Licensing board (MA).")]
PrescriberOpt = Annotated[
    bool | None,
    typer.Option("--prescriber/--no-prescriber", help="Prescribes controlled substances."),
]
AdultOpt = Annotated[
    bool | None,
    typer.Option("--adult-patients/--no-adult-patients", help="Serves adult populations."),
]


@app.command()
def init(
    ctx: typer.Context,
    name: NameOpt = None,
    birthday: BirthdayOpt = None,
    license: LicenseOpt = None,
    license_expires: ExpiresOpt = None,
    license_issued: IssuedOpt = None,
    board: BoardOpt = None,
    prescriber: PrescriberOpt = None,
    adult_patients: AdultOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create the physician profile (and the logbook)."""
    from cmelog.services.profile import init_profile

    c = _ctx(ctx)
    if _interactive():
        name = name or typer.prompt("Name (as on the license)")
        birthday = birthday or typer.prompt("Birthday (YYYY-MM-DD)")
        license = license or typer.prompt("License number")
        if not license_expires and not license_issued:
            license_expires = typer.prompt(
                "License expiration date printed on the license (YYYY-MM-DD)"
            )
    missing = [
        opt
        for opt, v in (("--name", name), ("--birthday", birthday), ("--license", license))
        if v is None
    ]
    if missing:
        raise UsageError(
            f"{', '.join(missing)} missing; init needs --name, --birthday and --license."
        )
    profile = init_profile(
        c,
        _profile_input(
            name=name,
            birthday=birthday,
            license=license,
            license_expires=license_expires,
            license_issued=license_issued,
            board=board,
            prescriber=prescriber,
            adult_patients=adult_patients,
        ),
    )
    if not as_json:
        typer.echo(f"Created the logbook {c.path}")
    _print_profile(c, profile, as_json)


@profile_app.callback()
def profile_show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the physician profile."""
    if ctx.invoked_subcommand is not None:
        return
    from cmelog.services.profile import show_profile

    c = _ctx(ctx)
    _print_profile(c, show_profile(c), as_json)


@profile_app.command("set")
def profile_set(
    ctx: typer.Context,
    name: NameOpt = None,
    birthday: BirthdayOpt = None,
    license: LicenseOpt = None,
    license_expires: ExpiresOpt = None,
    license_issued: IssuedOpt = None,
    board: BoardOpt = None,
    prescriber: PrescriberOpt = None,
    adult_patients: AdultOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change the physician profile."""
    from cmelog.services.profile import set_profile

    c = _ctx(ctx)
    profile = set_profile(
        c,
        _profile_input(
            name=name,
            birthday=birthday,
            license=license,
            license_expires=license_expires,
            license_issued=license_issued,
            board=board,
            prescriber=prescriber,
            adult_patients=adult_patients,
        ),
    )
    _print_profile(c, profile, as_json)


# ------------------------------------------------------------------ entries
def _print_entry(entry: Any, messages: Any, as_json: bool, notices: Any = ()) -> None:
    if as_json:
        from cmelog.render.jsonout import dump, entry_json

        for notice in notices:  # what the JSON cannot show (the value typed): on stderr
            sys.stderr.write(f"{notice}\n")
        dump(entry_json(entry))
        return
    from cmelog.render.text import entry_detail

    entry_detail(entry, messages)


@app.command()
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="Activity title, as on the certificate.")],
    date: DateOpt = None,
    end_date: EndOpt = None,
    category: CategoryOpt = None,
    credits: CreditsOpt = None,
    minutes: MinutesOpt = None,
    hours: HoursOpt = None,
    provider: ProviderOpt = None,
    topic: TopicOpt = None,
    kind: KindOpt = None,
    format: FormatOpt = None,
    url: UrlOpt = None,
    certificate: CertOpt = None,
    notes: NotesOpt = None,
    allow_duplicate: DupOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Record a Category 1 or 2 activity."""
    from cmelog.domain.entries import EntryInput
    from cmelog.services.entries import add_entry

    if date is None:
        raise UsageError(
            "--date is missing; give the activity date as YYYY-MM-DD, today or yesterday."
        )
    inp = EntryInput(
        title=title,
        date=date,
        end_date=end_date,
        category=category,
        credits=credits,
        minutes=minutes,
        hours=hours,
        provider=provider,
        topics=list(topic or []),
        kind=kind,
        format=format,
        url=url,
        notes=notes,
    )
    saved = add_entry(_ctx(ctx), inp, certificate, allow_duplicate)
    if not as_json:
        typer.echo(f"Added entry {saved.entry.id}.")
    _print_entry(saved.entry, saved.messages, as_json, saved.notices)


@app.command("list")
def list_(
    ctx: typer.Context,
    cycle: Annotated[
        str, typer.Option("--cycle", help="current, previous or all.", metavar="CYCLE")
    ] = "all",
    from_: Annotated[str | None, typer.Option("--from", metavar="DATE")] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="DATE")] = None,
    category: CategoryOpt = None,
    topic: Annotated[str | None, typer.Option("--topic", metavar="SLUG")] = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """List entries, ordered by date."""
    from cmelog.services.entries import list_entries

    if as_json and as_csv:
        raise UsageError("Give only one of --json and --csv.")
    listing = list_entries(
        _ctx(ctx), cycle=cycle, start=from_, end=to, category=category, topic=topic, as_of=as_of
    )
    if as_json:
        from cmelog.render.jsonout import dump, entry_json

        dump([entry_json(e) for e in listing.entries])
    elif as_csv:
        from cmelog.domain.cycles import cycle_label
        from cmelog.render.csvout import write_csv

        write_csv(
            sys.stdout, listing.entries, lambda e: cycle_label(listing.renewal, e.effective_date)
        )
    else:
        from cmelog.render.text import entry_table

        entry_table(listing.entries)


EntryId = Annotated[str, typer.Argument(help="Entry id (see `cmelog list`).", metavar="ID")]


def _whole(text: str, what: str, accepted: str) -> int:
    """A whole number typed by the user, or exit 2 naming it."""
    raw = text.strip()
    if not raw.isascii() or not raw.isdigit():
        raise UsageError(f"{what} {text!r} is not valid; give {accepted}.")
    return int(raw)


def _entry_id(text: str) -> int:
    number = _whole(text, "Entry id", "the number shown by `cmelog list`")
    if number > 2**63 - 1:  # larger than any SQLite row id: certainly not stored
        from cmelog.services.entries import not_found

        raise not_found(number)
    return number


@app.command()
def show(ctx: typer.Context, entry_id: EntryId, as_json: JsonOpt = False) -> None:
    """Show one entry."""
    from cmelog.services.entries import show_entry

    _print_entry(show_entry(_ctx(ctx), _entry_id(entry_id)), (), as_json)


@app.command()
def edit(
    ctx: typer.Context,
    entry_id: EntryId,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    date: DateOpt = None,
    end_date: EndOpt = None,
    category: CategoryOpt = None,
    credits: CreditsOpt = None,
    minutes: MinutesOpt = None,
    hours: HoursOpt = None,
    provider: ProviderOpt = None,
    topic: TopicOpt = None,
    add_topic: Annotated[
        list[str] | None, typer.Option("--add-topic", metavar="SLUG", help="Add a topic.")
    ] = None,
    remove_topic: Annotated[
        list[str] | None, typer.Option("--remove-topic", metavar="SLUG", help="Remove a topic.")
    ] = None,
    kind: KindOpt = None,
    format: FormatOpt = None,
    url: UrlOpt = None,
    certificate: CertOpt = None,
    notes: NotesOpt = None,
    allow_duplicate: DupOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Change an entry (same validation as add); --topic replaces the topics."""
    from cmelog.domain.entries import EntryInput
    from cmelog.services.entries import edit_entry

    inp = EntryInput(
        title=title,
        date=date,
        end_date=end_date,
        category=category,
        credits=credits,
        minutes=minutes,
        hours=hours,
        provider=provider,
        topics=list(topic) if topic else None,
        add_topics=list(add_topic or []),
        remove_topics=list(remove_topic or []),
        kind=kind,
        format=format,
        url=url,
        notes=notes,
    )
    saved = edit_entry(_ctx(ctx), _entry_id(entry_id), inp, certificate, allow_duplicate)
    if not as_json:
        typer.echo(f"Updated entry {saved.entry.id}.")
    _print_entry(saved.entry, saved.messages, as_json, saved.notices)


@app.command()
def delete(
    ctx: typer.Context,
    entry_id: EntryId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete an entry (asks first unless --yes)."""
    from cmelog.services.entries import delete_entry

    number = _entry_id(entry_id)
    confirm = None
    if not yes:
        if not _interactive():
            raise UsageError(
                f"Refusing to delete entry {number} without confirmation; add --yes when "
                "not running on a terminal."
            )

        def confirm(e: Any) -> bool:
            return typer.confirm(f"Delete entry {e.id} ({e.date.isoformat()}, {e.title!r})?")

    entry = delete_entry(_ctx(ctx), number, confirm)
    typer.echo(f"Deleted entry {entry.id} ({entry.date.isoformat()}, {entry.title}).")


# ------------------------------------------------------------------ status & rules
@app.command()
def status(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 3 when requirements are not all met.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show what counted toward each requirement and why.")
    ] = False,
) -> None:
    """The current cycle at a glance: renewal date, requirements, next steps."""
    from cmelog.services.status import status as run_status

    report = run_status(_ctx(ctx), as_of, explain=explain)
    if as_json:
        from cmelog.render.jsonout import dump
        from cmelog.render.status import status_json

        dump(status_json(report))
    else:
        from cmelog.render.status import status_text

        status_text(report)
    if check and not report.evaluation.complete:
        raise typer.Exit(int(ExitStatus.INCOMPLETE))


@app.command()
def requirements(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The board's rules in force, with sources."""
    from cmelog.services.status import requirements as load

    rules = load(_ctx(ctx))
    if as_json:
        from cmelog.render.jsonout import dump
        from cmelog.render.rules import rules_json

        dump(rules_json(rules))
    else:
        from cmelog.render.text import requirements_text

        requirements_text(rules)


@app.command()
def attest(
    ctx: typer.Context,
    requirement_id: Annotated[
        str | None,
        typer.Argument(help="One-time requirement id, e.g. ehr.", metavar="REQUIREMENT_ID"),
    ] = None,
    date: DateOpt = None,
    how: Annotated[
        str | None, typer.Option("--how", help="How the requirement was met.", metavar="TEXT")
    ] = None,
    certificate: CertOpt = None,
    list_: Annotated[bool, typer.Option("--list", help="Show the attestations.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Record that a one-time requirement was met without logged credits."""
    from cmelog.services.attest import add_attestation, list_attestations

    c = _ctx(ctx)
    if list_:
        items = list_attestations(c)
        if as_json:
            from cmelog.render.jsonout import attestation_json, dump

            dump([attestation_json(a) for a in items])
        else:
            from cmelog.render.text import attestations_table

            attestations_table(items)
        return
    if requirement_id is None:
        raise UsageError(
            "Name the requirement to attest (for example `cmelog attest ehr`), or use --list."
        )
    a = add_attestation(c, requirement_id, date, how, certificate)
    if as_json:
        from cmelog.render.jsonout import attestation_json, dump

        dump(attestation_json(a))
    else:
        typer.echo(
            f"Recorded attestation {a.id}: {a.requirement} met on {a.date.isoformat()} ({a.how})."
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


# ------------------------------------------------------------------ export, import, backup
@app.command("audit-export")
def audit_export(
    ctx: typer.Context,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="pdf (default) or csv; an --output ending in .csv means csv.",
            metavar="pdf|csv",
        ),
    ] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="PATH")] = None,
    as_of: AsOfOpt = None,
    bundle: Annotated[
        bool, typer.Option("--bundle", help="A .zip with the PDF, the CSV and the certificates.")
    ] = False,
) -> None:
    """Write the audit record of the current and previous cycles."""
    from cmelog.services.export import audit_export as run_export

    path = run_export(_ctx(ctx), fmt=format, output=output, as_of=as_of, bundle=bundle)
    typer.echo(str(path))


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(help="CSV written by list --csv or audit-export.", metavar="FILE")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; store nothing.")] = False,
) -> None:
    """Import entries from CSV: all rows or none."""
    from cmelog.services.importer import import_csv

    result = import_csv(_ctx(ctx), file, dry_run=dry_run)
    verb = "Would import" if dry_run else "Imported"
    typer.echo(
        f"{verb} {result.added} entries from {result.name}; "
        f"skipped {result.skipped} already stored."
    )
    if result.rounded:
        lines = ", ".join(str(n) for n in result.rounded[:20])
        more = f" and {len(result.rounded) - 20} more" if len(result.rounded) > 20 else ""
        typer.echo(
            f"Rounded the credits of {len(result.rounded)} row(s) to quarters of 0.25 "
            f"(Category 2 credits are claimed in quarters): line(s) {lines}{more}."
        )


@app.command()
def backup(
    ctx: typer.Context,
    path: Annotated[
        str, typer.Argument(help="A file, or a folder (certificates too).", metavar="PATH")
    ],
) -> None:
    """A consistent copy of the logbook, safe while it is in use."""
    from cmelog.services.backup import backup as run_backup

    written = run_backup(_ctx(ctx), path)
    typer.echo(str(written))


def main() -> None:
    get_command().main(prog_name="cmelog")


def get_command() -> Any:
    return typer.main.get_command(app)
