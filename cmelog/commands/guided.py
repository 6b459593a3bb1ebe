"""Guided entry on a terminal: the questions of add, edit, attest, init and profile set, and the
confirmation of what a certificate proposes. Each answer is checked with the same domain
functions the options go through, so an answer accepted here is an option value accepted there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from cmelog.commands.ask import ask, confirm, say, yes_no
from cmelog.domain.certparse import FIELD_LABELS
from cmelog.domain.entries import (
    EntryInput,
    check_slug,
    clean_text,
    parse_category,
    parse_moc_points,
    split_amount,
)
from cmelog.domain.suggest import parse_date_hint
from cmelog.domain.textsafe import neutralise
from cmelog.errors import UsageError
from cmelog.services.context import Context

# ------------------------------------------------------------------ answer checks


def _text(what: str, *, required: bool = True) -> Callable[[str], str]:
    def check(answer: str) -> str:
        text = clean_text(answer, what, multiline=False)
        if required and not text:
            raise UsageError(f"The {what.lower()} cannot be empty.")
        return text

    return check


def _date(what: str, today: date, *, after: date | None = None) -> Callable[[str], str]:
    def check(answer: str) -> str:
        value = parse_date_hint(answer, today, what)
        if after is not None and value < after:
            raise UsageError(
                f"{what} {value.isoformat()} is before {after.isoformat()}; give a later date."
            )
        return value.isoformat()

    return check


def _slug(accepted: Any, what: str) -> Callable[[str], str]:
    return lambda answer: check_slug(answer, accepted, what, f"The {what}")


def _slugs(accepted: Any, what: str) -> Callable[[str], list[str]]:
    def check(answer: str) -> list[str]:
        parts = [p for p in answer.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
        if answer.strip().lower() == "none":
            return []
        return sorted({check_slug(p, accepted, what, f"The {what}") for p in parts})

    return check


def _amount(answer: str) -> tuple[str, str]:
    return split_amount(answer)


def _category(fixed: int | None) -> Callable[[str], str]:
    def check(answer: str) -> str:
        value = parse_category(answer)
        if fixed is not None and value != fixed:
            raise UsageError(f"This kind of activity is always Category {fixed}.")
        return str(value)

    return check


def _moc(answer: str) -> str:
    parse_moc_points(answer)
    return answer.strip()


# ------------------------------------------------------------------ add / edit


def _amount_default(inp: EntryInput) -> str | None:
    if inp.credits is not None:
        return inp.credits
    if inp.minutes is not None:
        return f"{inp.minutes} min"
    if inp.hours is not None:
        return f"{inp.hours} h"
    return None


def _set_amount(inp: EntryInput, answer: tuple[str, str] | None) -> None:
    if answer is None:
        return
    inp.credits = inp.minutes = inp.hours = None
    setattr(inp, answer[0], answer[1])


def ask_entry(ctx: Context, inp: EntryInput, entry_id: int | None) -> None:
    """Fill `inp` on a terminal: a new entry's missing values, or every field of an entry being
    edited (Enter keeps the value shown)."""
    from cmelog.domain.credits import format_credits
    from cmelog.services.entries import entry_context

    rules, base = entry_context(ctx, entry_id)
    today = ctx.today
    editing = base is not None
    if not editing:
        from cmelog.domain.entries import missing_values

        if not missing_values(inp, rules):  # type: ignore[arg-type]
            return
        say("Answer each question; Tab completes choices, Enter takes the value in [brackets].")
    elif base is not None:
        say(f"Editing entry {base.id}: Enter keeps the value in [brackets]; 'none' clears it.")

    def current(value: Any, stored: Any) -> str | None:
        if value is not None:
            return str(value)
        return None if stored is None else str(stored)

    if inp.title is None or (not editing and not inp.title.strip()):
        inp.title = ask(
            "Title (as on the certificate)",
            _text("Title"),
            default=neutralise(base.title) if base else None,
        )
    if inp.date is None:
        inp.date = ask(
            "Date (YYYY-MM-DD)",
            _date("The date", today),
            default=base.date.isoformat() if base else "today",
        )
    start = parse_date_hint(inp.date or "today", today, "--date")
    if inp.end_date is None:
        end_default = base.end_date.isoformat() if base and base.end_date else None
        answer = ask(
            "Last day, if it ran over several days (YYYY-MM-DD)",
            lambda a: "" if a.lower() == "none" else _date("The last day", today, after=start)(a),
            default=end_default,
            optional=True,
        )
        inp.end_date = answer if answer is not None else None
    kinds = list(rules.kinds)  # type: ignore[attr-defined]
    if inp.kind is None:
        inp.kind = ask(
            "Kind (Tab lists them)",
            _slug(kinds, "kind"),
            default=base.kind if base else "activity",
            choices=kinds,
        )
    kind = rules.kinds[inp.kind or "activity"]  # type: ignore[attr-defined]
    if inp.category is None and kind.category is None:
        inp.category = ask(
            "Category (1 = AMA PRA Category 1, 2 = Category 2)",
            _category(None),
            default=str(base.category) if base else "1",
            choices=["1", "2"],
        )
    category = inp.category or (str(kind.category) if kind.category else None)
    has_amount = _amount_default(inp) is not None
    if not has_amount and (editing or kind.credits is None):
        rate = " presented" if kind.credits_per_hour != 1 else ""
        fixed = f" [{format_credits(kind.credits)} for this kind]" if kind.credits else ""
        shown = None
        if base is not None:  # Enter keeps the amount as stored (time stays time)
            shown = f"{base.minutes} min" if base.minutes else format_credits(base.credits)
        amount = ask(
            f"Credits (a number, or time{rate} such as 90 min or 1.5 h){fixed}",
            _amount,
            default=shown,
            optional=kind.credits is not None or editing,
        )
        if shown is None or amount != _amount(shown):
            _set_amount(inp, amount)
    if inp.provider is None:
        needed = category == "1"
        answer = ask(
            "Accredited provider" + ("" if needed else " (optional)"),
            lambda a: "" if a.lower() == "none" and not needed else _text("Provider")(a),
            default=neutralise(base.provider) if base and base.provider else None,
            optional=not needed,
        )
        if answer is not None:
            inp.provider = answer
    topics = sorted(rules.topics)  # type: ignore[attr-defined]
    if inp.topics is None and not inp.add_topics and not inp.remove_topics:
        answer_topics = ask(
            "Topics, separated by commas (Tab completes)",
            _slugs(topics, "topic"),
            default=", ".join(base.topics) if base and base.topics else None,
            choices=topics,
            multiple=True,
            optional=True,
        )
        if answer_topics is not None:
            inp.topics = answer_topics
    formats = list(rules.formats)  # type: ignore[attr-defined]
    if inp.format is None:
        answer = ask(
            "Format (live, enduring, journal, ...; Tab completes)",
            lambda a: "" if a.lower() == "none" else _slug(formats, "format")(a),
            default=current(None, base.format if base else None),
            choices=formats,
            optional=True,
        )
        if answer is not None:
            inp.format = answer


# ------------------------------------------------------------------ certificate


def _show(out: Callable[[str], None], label: str, value: str, line: str) -> None:
    out(f"  {label:<19} {neutralise(value)}")
    out(f"  {'':<19} read from: \u201c{neutralise(line)}\u201d")


def apply_certificate(
    ctx: Context, inp: EntryInput, file: str, interactive: bool, as_json: bool
) -> Any:
    """Read the certificate, show every proposed field with the line it came from, and put the
    values in `inp` (options given explicitly win). On a terminal each is confirmed or
    corrected."""
    import sys

    from cmelog.services.certreader import read_certificate
    from cmelog.services.entries import entry_context

    read = read_certificate(file)
    proposal = read.proposal
    stream = sys.stderr if as_json or not sys.stdout.isatty() and interactive else sys.stdout

    def out(text: str) -> None:
        if not stream.isatty():
            stream.write(text + "\n")
            return
        import shutil
        import textwrap

        width = max(40, shutil.get_terminal_size((80, 24)).columns - 1)
        hang = " " * (22 if text.startswith("  ") else 2)  # under the value column
        wrapped = textwrap.wrap(
            text, width, subsequent_indent=hang, break_long_words=False, break_on_hyphens=False
        )
        stream.write("\n".join(wrapped) + "\n")

    out(f"Read from {neutralise(read.path.name)}:")
    fields = {
        "title": "title",
        "provider": "provider",
        "date": "date",
        "end_date": "end_date",
        "credits": "credits",
        "category": "category",
        "format": "format",
        "moc_points": "moc_points",
    }
    explicit = {name for name, attr in fields.items() if getattr(inp, attr) is not None}
    for name in fields:
        found = proposal.fields.get(name)
        if found is None:
            continue
        label = FIELD_LABELS[name]
        if name in explicit:
            out(f"  {label:<19} {neutralise(found.value)} (not used: you gave {name})")
            continue
        _show(out, label, found.value, found.line)
    maximum = proposal.fields.get("max_credits")
    if maximum is not None:
        _show(out, "Maximum designated", maximum.value + " (not claimed)", maximum.line)
    for note in proposal.notes:
        out(f"  Note: {neutralise(note)}")
    not_found = [
        FIELD_LABELS[n].lower()
        for n in ("title", "date", "credits", "category", "provider")
        if n not in proposal.fields and n not in explicit
    ]
    if not_found:
        out(f"  Not found on the certificate: {', '.join(not_found)}.")
    stream.flush()
    if not interactive:
        for name, attr in fields.items():
            if name not in explicit and name in proposal.fields:
                setattr(inp, attr, proposal.fields[name].value)
        return read
    rules, _ = entry_context(ctx)
    today = ctx.today
    say("Press Enter to keep each value read from the certificate, or type the right one.")
    checks: dict[str, Callable[[str], Any]] = {
        "title": _text("Title"),
        "provider": _text("Provider"),
        "date": _date("The date", today),
        "end_date": lambda a: "" if a.lower() == "none" else _date("The last day", today)(a),
        "credits": _amount,
        "category": _category(None),
        "format": lambda a: "" if a.lower() == "none" else _slug(list(rules.formats), "format")(a),  # type: ignore[attr-defined]
        "moc_points": lambda a: "" if a.lower() == "none" else _moc(a),
    }
    for name, attr in fields.items():
        found = proposal.fields.get(name)
        if found is None or name in explicit:
            continue
        answer = ask(FIELD_LABELS[name], checks[name], default=found.value)
        if name == "credits":
            _set_amount(inp, answer)
        else:
            setattr(inp, attr, answer)
    if "credits" not in proposal.fields and "credits" not in explicit and maximum is not None:
        say(f"  The certificate designates at most {maximum.value} credits; claim what you did.")
    return read


# ------------------------------------------------------------------ attest


def ask_attestation(
    ctx: Context, requirement: str | None, when: str | None, how: str | None
) -> tuple[str, str, str]:
    from cmelog.services.entries import entry_context

    rules, _ = entry_context(ctx)
    accepted = [r.id for r in rules.requirements if r.attestation]  # type: ignore[attr-defined]
    if requirement is None:
        say(f"Requirements that an attestation can meet: {', '.join(accepted)}.")
        requirement = ask(
            "Requirement (Tab completes)",
            _slug(accepted, "requirement"),
            choices=accepted,
        )
    if when is None:
        when = ask("Date it was met (YYYY-MM-DD)", _date("The date", ctx.today))
    if how is None:
        how = ask("How was it met (for example: training in residency, 2009)", _text("How"))
    assert requirement is not None and when is not None and how is not None
    return requirement, when, how


# ------------------------------------------------------------------ init / profile set


def _past(what: str, today: date) -> Callable[[str], str]:
    def check(answer: str) -> str:
        value = parse_date_hint(answer, today, what)
        if value >= today:
            raise UsageError(f"{what} {value.isoformat()} is not in the past.")
        return value.isoformat()

    return check


def ask_profile(ctx: Context, values: dict[str, Any], base: Any = None) -> None:
    """Fill the missing profile values in `values` (init), or, for `profile set` with nothing
    given, ask about each (Enter keeps the current value)."""
    today = ctx.today
    required = ("name", "birthday", "license")
    if (
        base is None
        and all(values.get(k) is not None for k in required)
        and (values.get("license_expires") is not None or values.get("license_issued") is not None)
    ):
        return  # everything needed was given as options: a script on a terminal is not asked
    if base is None:
        say("Creating your logbook. Enter takes the value in [brackets].")
    else:
        say("Changing your profile: Enter keeps the value in [brackets].")

    def cur(name: str) -> str | None:
        value = getattr(base, name, None) if base is not None else None
        if value is None:
            return None
        return value.isoformat() if isinstance(value, date) else neutralise(str(value))

    if values.get("name") is None:
        values["name"] = ask("Your name, as on the license", _text("Name"), default=cur("name"))
    if values.get("birthday") is None:
        values["birthday"] = ask(
            "Date of birth (YYYY-MM-DD)", _past("The date of birth", today), default=cur("birthday")
        )
    if values.get("license") is None:
        values["license"] = ask(
            "Massachusetts license number", _text("License number"), default=cur("license")
        )
    if values.get("license_expires") is None and values.get("license_issued") is None:
        birthday = parse_date_hint(values["birthday"], today, "--birthday")
        expires = ask(
            "License expiration date (YYYY-MM-DD)",
            _date("The expiration date", today, after=birthday),
            hint="It is printed on your license; press Enter if you only know the date of "
            "your first full license.",
            default=cur("license_expires"),
            optional=True,
        )
        if expires is not None:
            values["license_expires"] = expires
        elif base is None or base.license_issued is not None:
            values["license_issued"] = ask(
                "Date of your initial full license (YYYY-MM-DD)",
                _past("The license date", today),
                default=cur("license_issued"),
            )
    for key, question in (
        ("prescriber", "Do you prescribe controlled substances?"),
        ("adult_patients", "Do you see adult patients?"),
    ):
        if values.get(key) is None:
            default = True if base is None else bool(getattr(base, key))
            values[key] = ask(
                f"{question} (yes/no)",
                yes_no,
                default="yes" if default else "no",
                choices=["yes", "no"],
            )


__all__ = ["apply_certificate", "ask_attestation", "ask_entry", "ask_profile", "confirm"]
