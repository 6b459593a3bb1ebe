"""status and requirements."""

from __future__ import annotations

from typing import Annotated

import typer

from cmelog.commands.common import (
    AsOfOpt,
    JsonOpt,
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
) -> None:
    """The current cycle at a glance: renewal date, requirements, next steps."""
    from cmelog.services.status import status as run_status

    report = run_status(_ctx(ctx), as_of, explain=explain)
    if as_json:
        from cmelog.render.jsonout import dump
        from cmelog.render.status import status_json

        dump(status_json(report))
    else:
        from cmelog.render.banner import print_banner
        from cmelog.render.status import status_text

        print_banner(report.renewal, report.evaluation.requirements)
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
        from cmelog.render.rules import requirements_text

        requirements_text(rules)
