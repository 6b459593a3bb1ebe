"""audit-export."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cmelog.commands.common import (
    AsOfOpt,
    LicenseSelectOpt,
    _ctx,
    app,
)


def _warn(message: str) -> None:
    from cmelog.domain.textsafe import neutralise

    text = neutralise(message).encode("utf-8", "replace").decode("utf-8")
    sys.stderr.write(f"cmelog: warning: {text}\n")
    sys.stderr.flush()


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
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="File or folder to write; default cmelog-audit-LICENSE-ASOF.pdf (or .csv, .zip).",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    bundle: Annotated[
        bool,
        typer.Option(
            "--bundle",
            help="A .zip with the PDF, the CSVs, the certificates, manifest.json and SHA256SUMS.",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output file if it exists.")
    ] = False,
    license: LicenseSelectOpt = None,
) -> None:
    """Write the audit record of the current and previous cycles (the first license's, or
    --license BOARD's).

    Example: cmelog audit-export --bundle --output ~/audit/
    """
    from cmelog.services.export import audit_export as run_export

    path = run_export(
        _ctx(ctx),
        fmt=format,
        output=output,
        as_of=as_of,
        bundle=bundle,
        force=force,
        warn=_warn,
        only=license,
    )
    typer.echo(str(path))
