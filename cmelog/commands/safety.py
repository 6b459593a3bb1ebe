"""import, backup, restore, check, history, undelete, attestations."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cmelog.commands.common import (
    JsonOpt,
    _ctx,
    _entry_id,
    _interactive,
    app,
)
from cmelog.domain.textsafe import neutralise
from cmelog.errors import UsageError


def _confirmed(question: str) -> bool:
    return typer.confirm(neutralise(question))


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            help="CSV written by list --csv or audit-export, or a bundle .zip written by "
            "audit-export --bundle.",
            metavar="FILE",
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; store nothing.")] = False,
) -> None:
    """Import entries from CSV, or entries, attestations and certificates from a bundle .zip:
    all rows or none.

    Example: cmelog import cme-2025.csv --dry-run
    """
    from cmelog.services.importer import import_csv

    result = import_csv(_ctx(ctx), file, dry_run=dry_run)
    verb = "Would import" if dry_run else "Imported"
    name = neutralise(result.name)
    extra = ""
    if result.attestations or result.certificates:
        extra = f", {result.attestations} attestation(s) and {result.certificates} certificate(s)"
    typer.echo(
        f"{verb} {result.added} entries{extra} from {name}; "
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
        str | None,
        typer.Argument(
            help="A file, or a folder (certificates too). Default: a dated copy in the "
            "data folder's backups/.",
            metavar="PATH",
        ),
    ] = None,
    keep: Annotated[
        int,
        typer.Option("--keep", help="Dated backups to keep (without PATH).", metavar="N"),
    ] = 10,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing backup at PATH.")
    ] = False,
) -> None:
    """A consistent, checked copy of the logbook, safe while it is in use.

    Example: cmelog backup            (dated copy in the data folder, newest 10 kept)
    Example: cmelog backup /media/usb/cme/
    """
    from cmelog.services.backup import backup as run_backup

    result = run_backup(_ctx(ctx), path, keep=keep, force=force)
    typer.echo(neutralise(str(result.path)))
    certs = f"; {result.certificates} certificate(s) verified" if result.certificates else ""
    typer.echo(f"Backup written and checked{certs}.", err=True)
    if result.removed:
        typer.echo(f"Removed {len(result.removed)} older backup(s) (--keep {keep}).", err=True)


@app.command()
def restore(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(help="A backup file, a backup folder, or a bundle .zip.", metavar="BACKUP"),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Replace the logbook with a checked backup; the current one is kept aside.

    Example: cmelog restore ~/backups/cmelog-20260101-090000.db
    """
    from cmelog.services.restore import restore as run_restore

    confirm = None
    if not yes:
        if not _interactive():
            raise UsageError(
                "Refusing to restore without confirmation; add --yes when not running on a "
                "terminal."
            )
        confirm = _confirmed
    done = run_restore(_ctx(ctx), source, confirm)
    for w in done.warnings:
        typer.echo(f"cmelog: warning: {neutralise(w)}.", err=True)
    typer.echo(
        f"Restored {neutralise(str(done.source))} into {neutralise(str(done.logbook))}: "
        f"{done.entries} entries, {done.attestations} attestations."
    )
    if done.aside is not None:
        typer.echo(f"The previous logbook was kept as {neutralise(str(done.aside))}")


@app.command()
def check(
    ctx: typer.Context,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Remove what cmelog left behind and set file modes."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="With --fix: remove orphan certificates too.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the logbook, its certificates, leftovers and file modes; exit 1 with findings.

    Example: cmelog check --fix
    """
    from cmelog.services.check import run_check

    def confirm_orphans(orphans: list[Any]) -> bool:
        if yes:
            return True
        if not _interactive():
            return False
        return typer.confirm(
            f"Remove {len(orphans)} certificate file(s) that no entry or attestation names?"
        )

    report = run_check(_ctx(ctx), fix=fix, confirm_orphans=confirm_orphans)
    if as_json:
        from cmelog.render.jsonout import dump

        dump(
            {
                "logbook": str(report.logbook),
                "clean": report.clean,
                "findings": [
                    {
                        "kind": f.kind,
                        "path": f.path,
                        "message": f.message,
                        "fixed": f.fixed,
                    }
                    for f in report.findings
                ],
            }
        )
    else:
        for f in report.findings:
            state = "fixed: " if f.fixed else ""
            typer.echo(neutralise(f"{state}{f.message}"))
        if not report.findings:
            typer.echo(f"{neutralise(str(report.logbook))}: no problems found.")
        elif not report.clean and not fix and any(f.fixable for f in report.findings):
            typer.echo("Run `cmelog check --fix` to clean up what cmelog left behind.", err=True)
    if not report.clean:
        raise typer.Exit(1)


@app.command()
def history(
    ctx: typer.Context,
    entry_id: Annotated[
        str | None, typer.Argument(help="Only this entry's changes.", metavar="ID")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every change to entries and attestations: time, command, old -> new.

    Example: cmelog history 12
    """
    from cmelog.services.history import changes

    items = changes(_ctx(ctx), _entry_id(entry_id) if entry_id is not None else None)
    if as_json:
        from cmelog.render.history import change_json
        from cmelog.render.jsonout import dump

        dump([change_json(c) for c in items])
    else:
        from cmelog.render.history import history_text

        typer.echo(history_text(items))


@app.command()
def undelete(ctx: typer.Context, entry_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Bring back a deleted entry, with its id.

    Example: cmelog undelete 12
    """
    from cmelog.services.history import undelete as run_undelete

    entry = run_undelete(_ctx(ctx), _entry_id(entry_id))
    typer.echo(f"Restored entry {entry.id} ({entry.date.isoformat()}, {neutralise(entry.title)}).")


attestations_app = typer.Typer(
    help="List attestations; `attestations edit` and `attestations delete` change them.",
    invoke_without_command=True,
)
app.add_typer(attestations_app, name="attestations")


@attestations_app.callback()
def attestations(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the attestations (one-time requirements met without logged credits).

    Example: cmelog attestations --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from cmelog.services.attest import list_attestations

    items = list_attestations(_ctx(ctx))
    if as_json:
        from cmelog.render.jsonout import attestation_json, dump

        dump([attestation_json(a) for a in items])
    else:
        from cmelog.render.history import attestations_text

        typer.echo(attestations_text(items))


@attestations_app.command("edit")
def attestations_edit(
    ctx: typer.Context,
    attestation_id: Annotated[str, typer.Argument(metavar="ID")],
    date: Annotated[
        str | None, typer.Option("--date", help="YYYY-MM-DD, today or yesterday.", metavar="DATE")
    ] = None,
    how: Annotated[
        str | None, typer.Option("--how", help="How the requirement was met.", metavar="TEXT")
    ] = None,
    certificate: Annotated[
        str | None,
        typer.Option("--certificate", help="Certificate file to keep with it.", metavar="FILE"),
    ] = None,
) -> None:
    """Change an attestation's date, how or certificate.

    Example: cmelog attestations edit 2 --date 2009-06-30
    """
    from cmelog.services.history import edit_attestation

    a = edit_attestation(_ctx(ctx), attestation_id, date=date, how=how, certificate=certificate)
    typer.echo(
        f"Updated attestation {a.id}: {a.requirement} met on {a.date.isoformat()} "
        f"({neutralise(a.how)})."
    )


@attestations_app.command("delete")
def attestations_delete(
    ctx: typer.Context,
    attestation_id: Annotated[str, typer.Argument(metavar="ID")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete an attestation (asks first unless --yes).

    Example: cmelog attestations delete 2 --yes
    """
    from cmelog.services.history import delete_attestation

    confirm = None
    if not yes:
        if not _interactive():
            raise UsageError(
                f"Refusing to delete attestation {attestation_id} without confirmation; add "
                "--yes when not running on a terminal."
            )

        def confirm(a: Any) -> bool:
            return _confirmed(
                f"Delete attestation {a.id} ({a.requirement}, {a.date.isoformat()}, {a.how!r})?"
            )

    a = delete_attestation(_ctx(ctx), attestation_id, confirm)
    typer.echo(f"Deleted attestation {a.id} ({a.requirement}, {a.date.isoformat()}).")
