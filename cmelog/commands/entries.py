"""add, list, show, edit, delete, open, attest."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from cmelog.commands import complete
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
    MocOpt,
    NotesOpt,
    ProviderOpt,
    TopicOpt,
    UrlOpt,
    YesOpt,
    _ctx,
    _entry_id,
    _interactive,
    app,
)
from cmelog.errors import UsageError


# ------------------------------------------------------------------ output
def _warn(lines: Any) -> None:
    from cmelog.domain.textsafe import neutralise

    for line in lines:
        sys.stderr.write(f"cmelog: warning: {neutralise(line)}.\n")
    sys.stderr.flush()


def _print_entry(entry: Any, messages: Any, as_json: bool, notices: Any = ()) -> None:
    if as_json:
        from cmelog.render.jsonout import dump, entry_json

        for notice in notices:  # what the JSON cannot show (the value typed): on stderr
            sys.stderr.write(f"{notice}\n")
        dump(entry_json(entry))
        return
    from cmelog.render.text import entry_detail

    entry_detail(entry, messages)


def _confirm_duplicate(entry: Any, others: list[Any]) -> bool:
    from cmelog.commands.ask import confirm, say
    from cmelog.services.entries import duplicate_warning

    say(f"Careful: {duplicate_warning(entry, others)}.")
    return confirm("Store this entry as well?", default=False)


def _saved(saved: Any, verb: str, as_json: bool) -> None:
    _warn(saved.warnings)
    if not as_json:
        typer.echo(f"{verb} entry {saved.entry.id}.")
    _print_entry(saved.entry, saved.messages, as_json, saved.notices)


# ------------------------------------------------------------------ add
FromCertOpt = Annotated[
    str | None,
    typer.Option(
        "--from-certificate",
        help="Read the values from this certificate PDF and attach it.",
        metavar="FILE",
    ),
]


@app.command()
def add(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(
            help="Activity title, as on the certificate (asked on a terminal when missing).",
            metavar="TITLE",
        ),
    ] = None,
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
    moc_points: MocOpt = None,
    from_certificate: FromCertOpt = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help="With --from-certificate: store what was read without confirming each value.",
        ),
    ] = False,
    allow_duplicate: DupOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Record a Category 1 or 2 activity; on a terminal, asks for whatever is missing."""
    from cmelog.domain.entries import EntryInput, missing_message, missing_values
    from cmelog.services.entries import add_entry, entry_context

    c = _ctx(ctx)
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
        kind=kind,
        format=format,
        url=url,
        notes=notes,
        moc_points=moc_points,
    )
    interactive = _interactive()
    source = None
    attach = certificate
    if from_certificate is not None:
        from cmelog.commands.guided import apply_certificate

        # --yes on a terminal: take what was read without a question per value
        read = apply_certificate(c, inp, from_certificate, interactive and not yes, as_json)
        source = f"certificate:{read.path.name}"
        attach = certificate or str(read.path)
        if not interactive:
            missing = missing_values(inp, entry_context(c)[0])  # type: ignore[arg-type]
            if missing:
                raise UsageError(missing_message(missing, "an entry", certificate=True))
            if not yes:
                raise UsageError(
                    "Nothing was stored: add --yes to store the values read from the "
                    "certificate (shown above), or run on a terminal to confirm each."
                )
    if interactive:
        from cmelog.commands.guided import ask_entry

        ask_entry(c, inp, None)
    else:
        missing = missing_values(inp, entry_context(c)[0])  # type: ignore[arg-type]
        if missing:
            raise UsageError(missing_message(missing, "a new entry"))
    saved = add_entry(
        c,
        inp,
        attach,
        allow_duplicate,
        confirm_duplicate=_confirm_duplicate if interactive else None,
        source=source,
    )
    _saved(saved, "Added", as_json)


# ------------------------------------------------------------------ list / show / open
@app.command("list")
def list_(
    ctx: typer.Context,
    cycle: Annotated[
        str,
        typer.Option(
            "--cycle",
            help="current, previous or all (by the cycle holding the entry's end date).",
            metavar="CYCLE",
            autocompletion=complete.cycles,
        ),
    ] = "all",
    from_: Annotated[
        str | None, typer.Option("--from", help="Only entries on or after.", metavar="DATE")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Only entries on or before.", metavar="DATE")
    ] = None,
    category: CategoryOpt = None,
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic",
            help="Only entries with this topic.",
            metavar="SLUG",
            autocompletion=complete.topics,
        ),
    ] = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV (header first).")] = False,
) -> None:
    """List entries by date: a table grouped by cycle on a terminal, tab-separated lines in a
    pipe."""
    if as_json and as_csv:
        raise UsageError("Give only one of --json and --csv.")
    if not (as_json or as_csv) and cycle == "all" and topic is None and not sys.stdout.isatty():
        # the light path: lines straight from the rows, no rules, no Entry, no Rich
        from cmelog.render.tabs import tab_row_lines
        from cmelog.services.lightreads import tab_rows

        with tab_rows(_ctx(ctx), start=from_, end=to, category=category, as_of=as_of) as rows:
            tab_row_lines(sys.stdout, rows)
        return
    from cmelog.domain.cycles import cycle_label
    from cmelog.services.entries import list_entries

    with list_entries(
        _ctx(ctx), cycle=cycle, start=from_, end=to, category=category, topic=topic, as_of=as_of
    ) as listing:

        def cycle_of(e: Any) -> str:
            return cycle_label(listing.renewal, e.effective_date)

        if as_json:
            from cmelog.render.jsonout import dump_stream, entry_json

            dump_stream(entry_json(e) for e in listing.entries)
        elif as_csv:
            from cmelog.render.csvout import write_csv

            write_csv(sys.stdout, listing.entries, cycle_of)
        elif sys.stdout.isatty():
            from cmelog.render.listing import table

            table(list(listing.entries), cycle_of, listing.renewal)
        else:
            from cmelog.render.listing import tab_lines

            tab_lines(sys.stdout, listing.entries)


@app.command()
def show(ctx: typer.Context, entry_id: EntryId, as_json: JsonOpt = False) -> None:
    """Show one entry, with the path of its certificate."""
    c = _ctx(ctx)
    number = _entry_id(entry_id)
    if as_json:
        from cmelog.services.entries import show_entry

        _print_entry(show_entry(c, number), (), True)
        return
    from cmelog.services.certificates import certificate_path
    from cmelog.services.lightreads import entry_record

    entry = entry_record(c, number)  # the stored values, without the domain model
    path = certificate_path(c.logbook().certificates, entry) if entry.certificate_sha256 else None
    if not sys.stdout.isatty():  # no style to add: plain lines when they are Rich's lines
        from cmelog.render.detail import detail_rows, plain_detail, plain_path_line, rich_width

        width = rich_width()
        text = plain_detail(detail_rows(entry), width) if width is not None else None
        last = plain_path_line(path) if path is not None else ""
        if text is not None and last is not None:
            sys.stdout.write(text + last)
            return
    from cmelog.render.text import entry_detail

    entry_detail(entry, (), certificate_path=path)


@app.command("open")
def open_(ctx: typer.Context, entry_id: EntryId) -> None:
    """Open an entry's certificate with the system's viewer."""
    from cmelog.services.certificates import open_certificate
    from cmelog.services.entries import show_entry

    c = _ctx(ctx)
    entry = show_entry(c, _entry_id(entry_id))
    path = open_certificate(c.logbook().certificates, entry)
    typer.echo(f"Opened {path}")


# ------------------------------------------------------------------ edit / delete
@app.command()
def edit(
    ctx: typer.Context,
    entry_id: EntryId,
    title: Annotated[
        str | None, typer.Option("--title", help="New title.", metavar="TITLE")
    ] = None,
    date: DateOpt = None,
    end_date: EndOpt = None,
    category: CategoryOpt = None,
    credits: CreditsOpt = None,
    minutes: MinutesOpt = None,
    hours: HoursOpt = None,
    provider: ProviderOpt = None,
    topic: TopicOpt = None,
    add_topic: Annotated[
        list[str] | None,
        typer.Option(
            "--add-topic", metavar="SLUG", help="Add a topic.", autocompletion=complete.topics
        ),
    ] = None,
    remove_topic: Annotated[
        list[str] | None,
        typer.Option(
            "--remove-topic",
            metavar="SLUG",
            help="Remove a topic.",
            autocompletion=complete.topics,
        ),
    ] = None,
    kind: KindOpt = None,
    format: FormatOpt = None,
    url: UrlOpt = None,
    certificate: CertOpt = None,
    notes: NotesOpt = None,
    moc_points: MocOpt = None,
    allow_duplicate: DupOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Change an entry (same checks as add); --topic replaces the topics. With no option on a
    terminal, asks about each field, showing the current value."""
    from cmelog.domain.entries import EntryInput
    from cmelog.services.entries import edit_entry

    c = _ctx(ctx)
    number = _entry_id(entry_id)
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
        moc_points=moc_points,
    )
    nothing = inp == EntryInput() and certificate is None
    interactive = _interactive()
    if nothing:
        if not interactive:
            raise UsageError(
                f"Nothing to change in entry {number}; give at least one option such as "
                "--credits, --date or --add-topic (see `cmelog edit --help`)."
            )
        from cmelog.commands.guided import ask_entry

        ask_entry(c, inp, number)
    saved = edit_entry(
        c,
        number,
        inp,
        certificate,
        allow_duplicate,
        confirm_duplicate=_confirm_duplicate if interactive else None,
    )
    _saved(saved, "Updated", as_json)


@app.command()
def delete(ctx: typer.Context, entry_id: EntryId, yes: YesOpt = False) -> None:
    """Delete an entry (asks first unless --yes)."""
    from cmelog.domain.textsafe import neutralise
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
            from cmelog.commands.ask import confirm as ask_yes

            return ask_yes(f"Delete entry {e.id} ({e.date.isoformat()}, {neutralise(e.title)!r})?")

    entry = delete_entry(_ctx(ctx), number, confirm)
    typer.echo(f"Deleted entry {entry.id} ({entry.date.isoformat()}, {neutralise(entry.title)}).")


# ------------------------------------------------------------------ attest
@app.command()
def attest(
    ctx: typer.Context,
    requirement_id: Annotated[
        str | None,
        typer.Argument(
            help="One-time requirement id, e.g. child-abuse-reporting (asked when missing).",
            metavar="REQUIREMENT_ID",
            autocompletion=complete.requirements,
        ),
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
    from cmelog.domain.textsafe import neutralise
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
    if _interactive():
        from cmelog.commands.guided import ask_attestation

        requirement_id, date, how = ask_attestation(c, requirement_id, date, how)
    else:
        given = (("REQUIREMENT_ID", requirement_id), ("--date", date), ("--how", how))
        missing = [name for name, value in given if value is None]
        if missing:
            names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1])
            names += f" and {missing[-1]}" if len(missing) > 1 else ""
            raise UsageError(
                f"{names} {'is' if len(missing) == 1 else 'are'} missing; an attestation needs "
                "the requirement, the date it was met and how (for example `cmelog attest "
                "child-abuse-reporting --date 2009-06-30 --how 'Residency training'`), or use "
                "--list."
            )
    assert requirement_id is not None
    a = add_attestation(c, requirement_id, date, how, certificate)
    if as_json:
        from cmelog.render.jsonout import attestation_json, dump

        dump(attestation_json(a))
    else:
        typer.echo(
            f"Recorded attestation {a.id}: {a.requirement} met on {a.date.isoformat()} "
            f"({neutralise(a.how)})."
        )
