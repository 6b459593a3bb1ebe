"""add, list, show, edit, delete, attest."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from cmelog.commands.common import (
    AsOfOpt,
    CategoryOpt,
    CertOpt,
    CreditsOpt,
    DateOpt,
    DupOpt,
    EndOpt,
    EntryId,
    FormatOpt,
    HoursOpt,
    JsonOpt,
    KindOpt,
    MinutesOpt,
    NotesOpt,
    ProviderOpt,
    TopicOpt,
    UrlOpt,
    _ctx,
    _entry_id,
    _interactive,
    app,
)
from cmelog.errors import UsageError


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
