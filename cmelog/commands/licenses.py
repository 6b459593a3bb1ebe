"""license, ledger and rules commands (several licenses and boards)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cmelog.commands.common import JsonOpt, YesOpt, _ctx, _interactive, app
from cmelog.errors import UsageError

license_app = typer.Typer(
    help="The licenses you hold (the first one is the profile's); `license add`, `license set` "
    "and `license remove` change them.",
    invoke_without_command=True,
)
app.add_typer(license_app, name="license")

ledger_app = typer.Typer(
    help="Ledgers kept apart from every state's total: DEA MATE training and board "
    "certification (MOC) points.",
    invoke_without_command=True,
)
app.add_typer(ledger_app, name="ledger")


def _own_help(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:  # bare `cmelog license`: its help, once
        help_text = ctx.get_help()  # Typer's rich help prints itself and returns ""
        if help_text:
            typer.echo(help_text)


@license_app.callback()
def _license(ctx: typer.Context) -> None:
    _own_help(ctx)


@ledger_app.callback()
def _ledger(ctx: typer.Context) -> None:
    _own_help(ctx)


def _ask(question: str) -> bool:
    from cmelog.commands.ask import confirm
    from cmelog.domain.textsafe import neutralise

    return confirm(neutralise(question))


def _describe(lic: Any) -> str:
    from cmelog.domain.textsafe import neutralise

    dates = []
    if lic.expires is not None:
        dates.append(f"expires {lic.expires.isoformat()}")
    if lic.issued is not None:
        dates.append(f"issued {lic.issued.isoformat()}")
    return f"the {lic.board} license {neutralise(lic.number)} ({', '.join([lic.type, *dates])})"


# ------------------------------------------------------------------ license
NumberOpt = Annotated[
    str | None, typer.Option("--number", help="License number.", metavar="NUMBER")
]
TypeOpt = Annotated[
    str | None,
    typer.Option(
        "--type",
        help="License type: full (default), or another type the board's rules name.",
        metavar="TYPE",
    ),
]
ExpiresOpt = Annotated[
    str | None,
    typer.Option("--expires", help="Expiration date printed on the license.", metavar="DATE"),
]
IssuedOpt = Annotated[
    str | None,
    typer.Option("--issued", help="Date of the initial full license.", metavar="DATE"),
]
BoardArg = Annotated[str, typer.Argument(help="The board's postal code, e.g. NH.", metavar="BOARD")]


@license_app.command("add")
def license_add(
    ctx: typer.Context,
    board: Annotated[
        str | None,
        typer.Option(
            "--board", help="The licensing board's postal code, e.g. NH.", metavar="BOARD"
        ),
    ] = None,
    number: NumberOpt = None,
    type_: TypeOpt = None,
    expires: ExpiresOpt = None,
    issued: IssuedOpt = None,
) -> None:
    """Add a license from another board (the first license stays first)."""
    from cmelog.services.licenses import LicenseInput, add_license

    if board is None:
        raise UsageError(
            "--board is missing; give the licensing board's postal code "
            "(see `cmelog license add --help`)."
        )
    lic = add_license(_ctx(ctx), board, LicenseInput(number, type_, expires, issued))
    typer.echo(f"Added {_describe(lic)}.")


@license_app.command("list")
def license_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The licenses you hold, the first one first."""
    from cmelog.services.licenses import list_licenses

    licenses = list_licenses(_ctx(ctx))
    if as_json:
        from cmelog.render.jsonout import dump
        from cmelog.render.licenses import license_json

        dump([license_json(lic) for lic in licenses])
        return
    from cmelog.render.licenses import licenses_text

    licenses_text(licenses)


@license_app.command("set")
def license_set(
    ctx: typer.Context,
    board: BoardArg,
    number: NumberOpt = None,
    type_: TypeOpt = None,
    expires: ExpiresOpt = None,
    issued: IssuedOpt = None,
) -> None:
    """Change a license's number, type or dates."""
    from cmelog.services.licenses import LicenseInput, set_license

    lic = set_license(_ctx(ctx), board, LicenseInput(number, type_, expires, issued))
    typer.echo(f"Updated {_describe(lic)}.")


@license_app.command("remove")
def license_remove(ctx: typer.Context, board: BoardArg, yes: YesOpt = False) -> None:
    """Remove a license (asks first unless --yes); a logbook keeps at least one."""
    from cmelog.services.licenses import remove_license

    confirm = None
    if not yes:
        if not _interactive():
            raise UsageError(
                f"Refusing to remove the {board.strip().upper()} license without confirmation; "
                "add --yes when not running on a terminal."
            )

        def confirm(lic: Any) -> bool:
            return _ask(f"Remove {_describe(lic)}?")

    lic, first = remove_license(_ctx(ctx), board, confirm)
    typer.echo(f"Removed {_describe(lic)}; the first license is now {first.board}.")


# ------------------------------------------------------------------ ledger
@ledger_app.command("add")
def ledger_add(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="dea-mate or moc.", metavar="KIND")],
    registered: Annotated[
        str | None,
        typer.Option("--registered", help="dea-mate: the DEA registration date.", metavar="DATE"),
    ] = None,
    board_name: Annotated[
        str | None,
        typer.Option(
            "--board-name",
            help="moc: the certifying board, e.g. ABIM (the ledger's name).",
            metavar="NAME",
        ),
    ] = None,
    cycle_start: Annotated[
        str | None,
        typer.Option("--cycle-start", help="moc: the first day of the MOC cycle.", metavar="DATE"),
    ] = None,
) -> None:
    """Add a ledger: dea-mate (DEA MATE training) or moc (board certification points)."""
    from cmelog.services.licenses import add_ledger

    ledger = add_ledger(
        _ctx(ctx), kind, registered=registered, board_name=board_name, cycle_start=cycle_start
    )
    from cmelog.domain.textsafe import neutralise

    typer.echo(
        f"Added the {ledger.kind} ledger {neutralise(ledger.name)} "
        f"(from {ledger.start.isoformat()})."
    )


@ledger_app.command("list")
def ledger_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The ledgers, in the order added."""
    from cmelog.services.licenses import list_ledgers

    ledgers = list_ledgers(_ctx(ctx))
    if as_json:
        from cmelog.render.jsonout import dump
        from cmelog.render.licenses import ledger_json

        dump([ledger_json(x) for x in ledgers])
        return
    from cmelog.render.licenses import ledgers_text

    ledgers_text(ledgers)


@ledger_app.command("remove")
def ledger_remove(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="The ledger's name: dea-mate, or its board name.", metavar="NAME")
    ],
    yes: YesOpt = False,
) -> None:
    """Remove a ledger (asks first unless --yes)."""
    from cmelog.domain.textsafe import neutralise
    from cmelog.services.licenses import remove_ledger

    confirm = None
    if not yes:
        if not _interactive():
            raise UsageError(
                f"Refusing to remove the ledger {neutralise(name.strip())!r} without "
                "confirmation; add --yes when not running on a terminal."
            )

        def confirm(ledger: Any) -> bool:
            return _ask(
                f"Remove the {ledger.kind} ledger {ledger.name} (from {ledger.start.isoformat()})?"
            )

    ledger = remove_ledger(_ctx(ctx), name, confirm)
    typer.echo(f"Removed the {ledger.kind} ledger {neutralise(ledger.name)}.")
