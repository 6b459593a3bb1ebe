"""add, show, edit, delete, list: each one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from cmelog.domain.credits import format_credits
from cmelog.domain.entries import (
    Built,
    EntryInput,
    build_entry,
    check_slug,
    entry_warnings,
    parse_category,
)
from cmelog.domain.model import Entry, Renewal
from cmelog.domain.suggest import parse_date_hint as parse_date
from cmelog.domain.textsafe import neutralise
from cmelog.errors import CmelogError, EntryNotFound, UsageError
from cmelog.services.certificates import (
    StoredCertificate,
    check_certificate,
    discard,
    store_certificate,
)
from cmelog.services.context import Context, entry_rules, require_profile
from cmelog.structs import Struct, replace


class Saved(Struct, frozen=True):
    entry: Entry
    messages: tuple[str, ...]
    notices: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # said on stderr: the entry is stored all the same


ConfirmDuplicate = Callable[[Entry, list[Entry]], bool]


def _likely(s: object, entry: Entry) -> list[Entry]:
    from cmelog.domain.suggest import likely_duplicates
    from cmelog.storage import reads

    near = [e for e in reads.list_entries(s, start=entry.date) if e.date <= entry.effective_date]
    return likely_duplicates(entry, near)


def duplicate_warning(entry: Entry, others: list[Entry]) -> str:
    named = "; ".join(
        f"entry {e.id} ({e.date.isoformat()}, {neutralise(e.title)!r}, "
        f"{format_credits(e.credits)} credits)"
        for e in others
    )
    return f"this may be the same activity as {named}"


def _duplicate_error(dup: Entry) -> UsageError:
    return UsageError(
        f"This looks like a double count of entry {dup.id} ({dup.date.isoformat()}, "
        f"{neutralise(dup.title)!r}); nothing was stored. Add --allow-duplicate if it really "
        "is a second activity."
    )


def _save(
    ctx: Context,
    entry_id: int | None,
    inp: EntryInput,
    certificate: str | None,
    allow_duplicate: bool,
    confirm_duplicate: ConfirmDuplicate | None = None,
    source: str | None = None,
) -> Saved:
    """Add (entry_id None) or edit an entry in one transaction, with its certificate.

    A likely duplicate is asked about through `confirm_duplicate` (on a terminal) or becomes a
    warning; an exact one is refused unless `allow_duplicate`."""
    from cmelog.storage import reads, repo

    cert_path = check_certificate(certificate) if certificate else None
    logbook = ctx.logbook()
    stored: StoredCertificate | None = None
    try:
        with logbook.session(write=True) as s:
            profile = require_profile(s)
            base = None
            if entry_id is not None and (base := reads.get_entry(s, entry_id)) is None:
                raise EntryNotFound(entry_id)
            built: Built = build_entry(inp, entry_rules(profile, ctx), ctx.today, base)
            entry = built.entry
            if source is not None:
                entry = replace(entry, source=source)
            warnings = entry_warnings(entry, ctx.today)
            if not allow_duplicate and (dup := reads.find_duplicate(s, entry, exclude_id=entry_id)):
                raise _duplicate_error(dup)
            likely = [] if allow_duplicate else _likely(s, entry)
            if likely:
                if confirm_duplicate is not None:
                    if not confirm_duplicate(entry, likely):
                        raise CmelogError("Nothing was stored.")
                else:
                    warnings.append(duplicate_warning(entry, likely))
            if cert_path is not None:
                stored = store_certificate(cert_path, logbook.certificates)
                entry = replace(
                    entry, certificate_sha256=stored.sha256, certificate_name=stored.name
                )
            saved = repo.add_entry(s, entry) if base is None else repo.update_entry(s, entry)
    except BaseException:
        discard(stored)
        raise
    return Saved(saved, built.messages, built.notices, tuple(warnings))


def add_entry(
    ctx: Context,
    inp: EntryInput,
    certificate: str | None,
    allow_duplicate: bool,
    confirm_duplicate: ConfirmDuplicate | None = None,
    source: str | None = None,
) -> Saved:
    return _save(ctx, None, inp, certificate, allow_duplicate, confirm_duplicate, source)


def show_entry(ctx: Context, entry_id: int) -> Entry:
    from cmelog.storage import reads

    with ctx.logbook().reader() as s:
        require_profile(s)
        entry = reads.get_entry(s, entry_id)
        if entry is None:
            raise EntryNotFound(entry_id)
        return entry


def edit_entry(
    ctx: Context,
    entry_id: int,
    inp: EntryInput,
    certificate: str | None,
    allow_duplicate: bool,
    confirm_duplicate: ConfirmDuplicate | None = None,
) -> Saved:
    return _save(ctx, entry_id, inp, certificate, allow_duplicate, confirm_duplicate)


def entry_context(ctx: Context, entry_id: int | None = None) -> tuple[object, Entry | None]:
    """The rules in force and the entry being edited: what the questions on a terminal need."""
    from cmelog.storage import reads

    with ctx.logbook().reader() as s:
        profile = require_profile(s)
        base = reads.get_entry(s, entry_id) if entry_id is not None else None
        if entry_id is not None and base is None:
            raise EntryNotFound(entry_id)
        return entry_rules(profile, ctx), base


def delete_entry(ctx: Context, entry_id: int, confirm: object = None) -> Entry:
    """Delete after `confirm(entry) -> bool` (when given) agrees."""
    from cmelog.storage import reads, repo

    with ctx.logbook().session(write=True) as s:
        require_profile(s)
        entry = reads.get_entry(s, entry_id)
        if entry is None:
            raise EntryNotFound(entry_id)
        if callable(confirm) and not confirm(entry):
            raise CmelogError("Nothing was deleted.")
        repo.delete_entry(s, entry_id)
        return entry


class Listing(Struct, frozen=True):
    entries: Iterable[Entry]  # streamed from the logbook while the listing is open
    renewal: Renewal


@contextmanager
def list_entries(
    ctx: Context,
    *,
    cycle: str = "all",
    start: str | None = None,
    end: str | None = None,
    category: str | None = None,
    topic: str | None = None,
    as_of: str | None = None,
) -> Iterator[Listing]:
    """The entries to list, read one at a time while the block runs (bounded memory on a long
    logbook: `list --json` on 1M entries never holds them all)."""
    from cmelog.domain.cycles import renewal_status
    from cmelog.storage import reads

    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    if cycle not in ("current", "previous", "all"):
        raise UsageError(f"--cycle {cycle!r} is not known; accepted: current, previous, all.")
    d_from = parse_date(start, ctx.today, "--from") if start else None
    d_to = parse_date(end, ctx.today, "--to") if end else None
    cat = parse_category(category) if category is not None else None
    with ctx.logbook().reader() as s:
        profile = require_profile(s)
        rules = entry_rules(profile, ctx)
        slug = check_slug(topic, rules.topics, "topic", "--topic") if topic else None
        renewal = renewal_status(profile, today, rules.renewal)
        lo, hi = d_from, d_to
        window = None
        if cycle == "current":
            window = renewal.current
        elif cycle == "previous":
            window = renewal.previous
            if window is None:
                yield Listing([], renewal)
                return
        if window is not None:
            lo = max(lo, window.start) if lo else window.start
            hi = min(hi, window.end) if hi else window.end
        yield Listing(reads.iter_entries(s, start=lo, end=hi, category=cat, topic=slug), renewal)
