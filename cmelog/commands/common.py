"""What every command module shares: the Typer app, the one exit point, shared options.

Importing this module must stay cheap: SQLAlchemy/SQLModel, ReportLab and icalendar are imported
inside the commands that need them (tests/test_startup.py guards it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from cmelog import __version__
from cmelog._click import Abort, Exit, NoArgsIsHelpError, click
from cmelog._click import UsageError as ClickUsageError
from cmelog.commands import complete
from cmelog.errors import CmelogError, ExitStatus, UsageError
from cmelog.services.context import Context


# ------------------------------------------------------------------ help without type placeholders
def _option_type(self: TyperOption, ctx: Any) -> str | None:
    """The help's value column: the option's metavar, nothing for a flag, never `<bool>`."""
    if self.is_flag or self.count:
        return None
    return self.metavar


def _argument_type(self: TyperArgument, ctx: Any) -> str | None:
    return None  # the argument's metavar is already its name in the help


setattr(TyperOption, "display_type_rich", _option_type)  # noqa: B010
setattr(TyperArgument, "display_type_rich", _argument_type)  # noqa: B010


def _with_examples(command: Any, path: str) -> None:
    """Every command's --help ends with one or two examples (commands/examples.py)."""
    from cmelog.commands.examples import epilog

    if path and not getattr(command, "epilog", None):
        required = [
            (p.metavar or p.name or "").upper()
            for p in getattr(command, "params", [])
            if isinstance(p, TyperArgument) and p.required
        ]
        command.epilog = epilog(path, " ".join(required))
    for name, sub in (getattr(command, "commands", None) or {}).items():
        _with_examples(sub, f"{path} {name}".strip())


class LazyCommands(dict[str, Any]):
    """A group's commands by name, each built into a click command the first time it is used.

    Typer builds every command's parameters up front (about 0.1 s for cmelog's commands); a run
    uses one. The keys (names, in help order) are all there from the start, so `name in`,
    suggestions for a mistyped name and `list_commands` see every command; `get`, `[]`, `items`
    and `values` build what they return. `summary` is the cheap stand-in the help listing uses.
    """

    def __init__(self, builders: dict[str, tuple[Callable[[], Any], Callable[[], Any]]]) -> None:
        super().__init__((name, None) for name in builders)
        self._builders = builders

    def __getitem__(self, name: str) -> Any:
        command = super().__getitem__(name)
        if command is None:
            command = self._builders[name][0]()
            super().__setitem__(name, command)
        return command

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def items(self) -> Any:
        return [(name, self[name]) for name in self]

    def values(self) -> Any:
        return [self[name] for name in self]

    def summary(self, name: str) -> Any:
        """The command if already built, else a parameterless stand-in with its name and help."""
        command = super().get(name)
        if command is None and name in self._builders:
            command = self._builders[name][1]()
        return command


class CmelogGroup(TyperGroup):
    """The one exit point: every failure becomes one sentence on stderr and an exit status."""

    _listing = False  # True while the help or a completion lists the commands

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing and isinstance(self.commands, LazyCommands):
            return self.commands.summary(cmd_name)
        command = super().get_command(ctx, cmd_name)
        if command is not None and ctx.parent is None:
            _with_examples(command, cmd_name)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False

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
        if isinstance(exc.__cause__, KeyboardInterrupt):  # Typer turns Ctrl-C into Exit(130)
            if sys.stdin.isatty():
                sys.stderr.write("\n")  # off the line of an unanswered question
            _err("Interrupted; nothing was changed.")
        return int(exc.exit_code)
    except ClickUsageError as exc:
        if NoArgsIsHelpError is not None and isinstance(exc, NoArgsIsHelpError):
            # Building the error rendered the help already (Rich prints it and returns "");
            # print the text only when it came back as text: the help appears once.
            text = exc.format_message()
            if text.strip():
                click.echo(text)
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
    epilog="Examples:\n\n  cmelog init\n\n  cmelog add --from-certificate certificate.pdf\n\n"
    "  cmelog status\n\nEach command's --help shows its options and examples.",
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
    if db is not None:
        from cmelog.storage.db import resolve_path

        resolve_path(db)  # `--db ""` is exit 2 before anything else is checked
    ctx.obj = Context(db_option=db)


def _ctx(ctx: typer.Context) -> Context:
    obj = ctx.find_root().obj
    assert isinstance(obj, Context)
    return obj


def _interactive() -> bool:
    return sys.stdin.isatty()


# ------------------------------------------------------------------ options shared by add/edit
LicenseSelectOpt = Annotated[
    str | None,
    typer.Option(
        "--license",
        help="One license (its board's two-letter code) or ledger (its name) only.",
        metavar="BOARD",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 entry", "2 entries", "1 credit"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


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
    str | None,
    typer.Option(
        "--category",
        help="1 (AMA PRA Category 1) or 2; asked on a terminal when missing.",
        metavar="{1,2}",
        autocompletion=complete.categories,
    ),
]
CreditsOpt = Annotated[
    str | None,
    typer.Option("--credits", help="Credits designated on the certificate.", metavar="X"),
]
MinutesOpt = Annotated[
    str | None,
    typer.Option(
        "--minutes",
        help="Time spent (or presented, for teaching), in minutes; 7.5 is accepted.",
        metavar="N",
    ),
]
HoursOpt = Annotated[
    str | None, typer.Option("--hours", help="Time spent (or presented), in hours.", metavar="H")
]
MocOpt = Annotated[
    str | None,
    typer.Option("--moc-points", help="MOC points awarded for the activity.", metavar="X"),
]
ProviderOpt = Annotated[
    str | None, typer.Option("--provider", help="Accredited provider (Category 1).", metavar="NAME")
]
TopicOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--topic",
        help="Topic slug (repeatable); see `cmelog requirements`.",
        metavar="SLUG",
        autocompletion=complete.topics,
    ),
]
KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="activity (default), teaching, article, board-certification, ...",
        metavar="SLUG",
        autocompletion=complete.kinds,
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="live, online, enduring, journal, point-of-care, ...",
        metavar="SLUG",
        autocompletion=complete.formats,
    ),
]
UrlOpt = Annotated[
    str | None, typer.Option("--url", help="Web address of the activity.", metavar="URL")
]
CertOpt = Annotated[
    str | None,
    typer.Option("--certificate", help="Certificate file to keep with the entry.", metavar="FILE"),
]
NotesOpt = Annotated[
    str | None, typer.Option("--notes", help="Anything worth keeping with it.", metavar="TEXT")
]
DupOpt = Annotated[
    bool, typer.Option("--allow-duplicate", help="Store even if an identical entry exists.")
]


EntryId = Annotated[
    str,
    typer.Argument(
        help="Entry id (see `cmelog list`).", metavar="ID", autocompletion=complete.entry_ids
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; go ahead.")]


def _whole(text: str, what: str, accepted: str) -> int:
    """A whole number typed by the user, or exit 2 naming it."""
    raw = text.strip()
    if not raw.isascii() or not raw.isdigit():
        raise UsageError(f"{what} {text!r} is not valid; give {accepted}.")
    return int(raw)


def _entry_id(text: str) -> int:
    number = _whole(text, "Entry id", "the number shown by `cmelog list`")
    if number > 2**63 - 1:  # larger than any SQLite row id: certainly not stored
        from cmelog.errors import EntryNotFound

        raise EntryNotFound(number)
    return number
