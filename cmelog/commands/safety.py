"""import, backup (and restore, check, history, undelete, attestations)."""

from __future__ import annotations

from typing import Annotated

import typer

from cmelog.commands.common import (
    _ctx,
    app,
)


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
