"""status and requirements."""

from __future__ import annotations

from typing import Annotated

import typer

from cmelog.commands.common import (
    AsOfOpt,
    JsonOpt,
    LicenseSelectOpt,
    _ctx,
    app,
)
from cmelog.errors import ExitStatus


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
    license: LicenseSelectOpt = None,
) -> None:
    """Every license and ledger at a glance: renewal date, requirements, next steps."""
    from cmelog.services.status import status as run_status

    report = run_status(_ctx(ctx), as_of, explain=explain, only=license)
    if as_json:
        from cmelog.render.jsonout import dump
        from cmelog.render.status import multi_status_json

        dump(multi_status_json(report))
    else:
        from cmelog.render.status import multi_status_text

        multi_status_text(report)
    if check and not report.complete:
        raise typer.Exit(int(ExitStatus.INCOMPLETE))


@app.command()
def requirements(
    ctx: typer.Context,
    as_json: JsonOpt = False,
    board: Annotated[
        str | None,
        typer.Option(
            "--board",
            help="Any board cmelog knows (two-letter code), held or not.",
            metavar="BOARD",
        ),
    ] = None,
    license: LicenseSelectOpt = None,
) -> None:
    """The board's rules in force, with sources (the first license's board by default)."""
    from cmelog.services.status import requirements as load

    rules = load(_ctx(ctx), board, license)
    if as_json:
        from cmelog.render.jsonout import dump
        from cmelog.render.rules import rules_json

        dump(rules_json(rules))
    else:
        from cmelog.render.rules import requirements_text

        requirements_text(rules)
