"""audit-export."""

from __future__ import annotations

from typing import Annotated

import typer

from cmelog.commands.common import (
    AsOfOpt,
    _ctx,
    app,
)


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
