"""Turning what the user typed into a valid Entry. Pure: every refusal is a UsageError (exit 2)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

from cmelog.domain.credits import (
    credits_from_decimal,
    credits_from_minutes,
    credits_from_text,
    credits_phrase,
    format_credits,
    minutes_text,
    parse_decimal,
    round_to_quarter,
)
from cmelog.domain.model import Entry
from cmelog.domain.rules import Rules
from cmelog.domain.suggest import nearest
from cmelog.domain.suggest import parse_date_hint as parse_date
from cmelog.domain.textsafe import control_message, first_unprintable, has_control
from cmelog.errors import UsageError
from cmelog.structs import Struct, field

MAX_TEXT = 2000


class EntryInput(Struct):
    """Raw option values; None means "not given"."""

    title: str | None = None
    date: str | None = None
    end_date: str | None = None
    category: str | None = None
    credits: str | None = None
    minutes: str | None = None
    hours: str | None = None
    provider: str | None = None
    topics: list[str] | None = None  # replaces the topic set when given
    add_topics: list[str] = field(default_factory=list)
    remove_topics: list[str] = field(default_factory=list)
    kind: str | None = None
    format: str | None = None
    url: str | None = None
    notes: str | None = None
    moc_points: str | None = None  # "" clears them on edit


class Built(Struct, frozen=True):
    entry: Entry
    messages: tuple[str, ...]  # rounding done, defaults applied (for people)
    notices: tuple[str, ...] = ()  # the subset that loses what was typed: said even with --json


def clean_text(value: str, option: str, *, multiline: bool = True) -> str:
    """Printable text: C0 and C1 control characters other than tab are refused (newline and
    carriage return too: cli.md "Text fields"), and lone surrogates. `multiline` is kept for
    callers' signatures; it no longer admits line breaks."""
    del multiline
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise UsageError(
            f"{option} is {len(text)} characters long; at most {MAX_TEXT} are accepted."
        )
    if has_control(text):
        raise UsageError(control_message(option, text))
    ch = first_unprintable(text)
    if ch is not None:
        raise UsageError(
            f"{option} contains the control or invalid character U+{ord(ch):04X}; "
            "only printable text is accepted."
        )
    return text


def _optional_text(value: str | None, option: str, current: str | None) -> str | None:
    if value is None:
        return current
    text = clean_text(value, option)
    return text or None


def check_slug(value: str, accepted: dict[str, str] | list[str], what: str, option: str) -> str:
    slug = value.strip().lower()
    if slug not in accepted:
        guess = nearest(slug, accepted)
        hint = f"did you mean {guess}? " if guess else ""
        raise UsageError(
            f"{option} {value!r} is not a known {what}; {hint}accepted: {', '.join(accepted)}."
        )
    return slug


def parse_moc_points(value: str) -> int | None:
    """MOC points awarded, as hundredths; an empty value clears them."""
    if not value.strip():
        return None
    return credits_from_decimal(parse_decimal(value, "--moc-points"), "--moc-points")


_TIME = re.compile(
    r"^\s*(?P<n>[0-9.]+)\s*(?P<unit>m|min|mins|minutes?|h|hr|hrs|hours?)\s*$", re.IGNORECASE
)


def split_amount(answer: str) -> tuple[str, str]:
    """An amount typed at a prompt: "2.5" (credits), "90 min" or "1.5 h" (time), checked as the
    matching option would be; returns (field of EntryInput, value)."""
    m = _TIME.match(answer)
    if m:
        unit = m.group("unit").lower()
        if unit.startswith("m"):
            parse_decimal(m.group("n"), "Minutes")
            return ("minutes", m.group("n"))
        parse_decimal(m.group("n"), "Hours")
        return ("hours", m.group("n"))
    credits_from_decimal(parse_decimal(answer, "Credits"), "Credits")
    return ("credits", answer.strip())


def missing_values(inp: EntryInput, rules: Rules) -> list[str]:
    """Every required value a new entry still lacks, named as the option that gives it."""
    missing: list[str] = []
    if not (inp.title or "").strip():
        missing.append("the title")
    if inp.date is None:
        missing.append("--date")
    kind = rules.kinds.get((inp.kind or "activity").strip().lower())
    category = inp.category
    if category is None and kind is not None and kind.category is not None:
        category = str(kind.category)
    if category is None:
        missing.append("--category")
    has_amount = any(v is not None for v in (inp.credits, inp.minutes, inp.hours))
    if not has_amount and not (kind is not None and kind.credits is not None):
        missing.append("--credits (or --minutes or --hours)")
    if (category or "").strip() == "1" and not (inp.provider or "").strip():
        missing.append("--provider")
    return missing


def missing_message(missing: list[str], what: str = "an entry", certificate: bool = False) -> str:
    """One sentence naming every missing value at once."""
    names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    one = len(missing) == 1
    if certificate:
        return (
            f"{names} {'was' if one else 'were'} not found on the certificate; give "
            f"{'it' if one else 'them'} as {'an option' if one else 'options'} "
            "(or run on a terminal to be asked); nothing was stored."
        )
    return (
        f"{names} {'is' if one else 'are'} missing; {what} needs {'it' if one else 'them'} "
        "(give the options, or run on a terminal to be asked); nothing was stored."
    )


ACTIVITY_WARN_CREDITS = 5000  # hundredths: more than 50 credits for one plain activity


def entry_warnings(entry: Entry, today: date) -> list[str]:
    """What looks wrong but may be right: said on stderr, the entry is stored."""
    warnings = []
    if entry.date > today:
        warnings.append(
            f"the date {entry.date.isoformat()} is in the future (today is {today.isoformat()}); "
            "check it, or fix it with `cmelog edit`"
        )
    if entry.kind == "activity" and entry.credits > ACTIVITY_WARN_CREDITS:
        warnings.append(
            f"{format_credits(entry.credits)} credits is more than 50 for one activity; "
            "check the credits on the certificate"
        )
    return warnings


def parse_category(value: str) -> int:
    if value.strip() not in ("1", "2"):
        raise UsageError(f"--category {value!r} is not a known category; accepted: 1, 2.")
    return int(value.strip())


def _time_minutes(inp: EntryInput) -> Fraction | None:
    if inp.minutes is not None:
        return Fraction(parse_decimal(inp.minutes, "--minutes"))
    if inp.hours is not None:
        return Fraction(parse_decimal(inp.hours, "--hours")) * 60
    return None


def _category2_quarters(credits: int, category: int, notices: list[str], what: str) -> int:
    """Category 2 credits are claimed in quarters: round (and say so); refuse a zero."""
    if category == 2 and credits % 25:
        rounded = round_to_quarter(credits)
        notices.append(
            f"Category 2 credits are claimed in quarters: {format_credits(credits)} -> "
            f"{credits_phrase(rounded, exact=True)}"
        )
        credits = rounded
    if credits == 0:
        raise UsageError(
            f"{what} 0 Category 2 credits once rounded to quarters of 0.25; nothing was stored."
        )
    return credits


def build_entry(inp: EntryInput, rules: Rules, today: date, base: Entry | None = None) -> Built:
    """Validate `inp` (a new entry, or changes to `base`) into an Entry with id of `base` or 0."""
    messages: list[str] = []
    notices: list[str] = []
    given = [
        o
        for o, v in (("--credits", inp.credits), ("--minutes", inp.minutes), ("--hours", inp.hours))
        if v is not None
    ]
    if len(given) > 1:
        raise UsageError(
            f"Give only one of --credits, --minutes or --hours (got {' and '.join(given)})."
        )
    # title
    if inp.title is not None:
        title = clean_text(inp.title, "TITLE", multiline=True)
    elif base is not None:
        title = base.title
    else:
        title = ""
    if not title:
        raise UsageError(
            "The title is empty; give the activity's title as it reads on the certificate."
        )
    # dates
    start = (
        parse_date(inp.date, today, "--date")
        if inp.date is not None
        else (base.date if base else None)
    )
    if start is None:
        raise UsageError("--date is missing; give the activity date as YYYY-MM-DD.")
    if inp.end_date is not None:
        end = None if inp.end_date.strip() == "" else parse_date(inp.end_date, today, "--end-date")
    else:
        end = base.end_date if base else None
    if end is not None and end < start:
        raise UsageError(
            f"--end-date {end.isoformat()} is before --date {start.isoformat()}; "
            "the end date must be on or after the start date."
        )
    # kind and category
    kind_slug = (
        check_slug(inp.kind, list(rules.kinds), "kind", "--kind")
        if inp.kind is not None
        else (base.kind if base else "activity")
    )
    kind = rules.kinds[kind_slug]
    category: int | None
    if inp.category is not None:
        category = parse_category(inp.category)
        if kind.category is not None and category != kind.category:
            raise UsageError(
                f"--category {category} does not fit --kind {kind.id}: {kind.label} is always "
                f"Category {kind.category}."
            )
    elif kind.category is not None:
        category = kind.category
    elif base is not None:
        category = base.category
    else:
        raise UsageError("--category is missing; give 1 (AMA PRA Category 1) or 2 (Category 2).")
    # amount
    minutes = _time_minutes(inp)
    if (
        minutes is None
        and inp.credits is None
        and base is not None
        and base.minutes is not None
        and rules.kinds.get(base.kind, kind).credits_per_hour != kind.credits_per_hour
    ):
        minutes = Fraction(Decimal(base.minutes))  # the stored time, at the new kind's rate
    minutes_stored: str | None
    if minutes is not None:
        credits = credits_from_minutes(minutes, kind.credits_per_hour)
        minutes_stored = minutes_text(minutes)
        rate = f" at {kind.credits_per_hour} credits per hour" if kind.credits_per_hour != 1 else ""
        messages.append(f"{minutes_stored} min -> {credits_phrase(credits, exact=True)}{rate}")
        if credits == 0:
            raise UsageError(
                f"{minutes_stored} minutes round to 0 credits (time is claimed in quarter credits, "
                "15 minutes each; at least 7.5 minutes are needed); nothing was stored."
            )
    elif inp.credits is not None:
        credits = _category2_quarters(
            credits_from_text(inp.credits, "--credits"),
            category,
            notices,
            f"--credits {inp.credits.strip()} is",
        )
        minutes_stored = None
    elif base is not None and (inp.kind is None or kind.credits is None):
        minutes_stored = base.minutes
        credits = _category2_quarters(
            base.credits,
            category,
            notices,
            f"The entry's {format_credits(base.credits)} credits are",
        )
    elif kind.credits is not None:
        credits, minutes_stored = kind.credits, None
        messages.append(f"{kind.label}: {credits_phrase(credits, exact=True)}")
    else:
        raise UsageError("Give the amount with one of --credits, --minutes or --hours.")
    # provider
    provider = _optional_text(inp.provider, "--provider", base.provider if base else None)
    if category == 1 and not provider:
        raise UsageError(
            "--provider is missing; Category 1 credits need the accredited provider's name "
            "(an audit asks for it)."
        )
    # topics
    if inp.topics is not None:
        topics = {check_slug(t, rules.topics, "topic", "--topic") for t in inp.topics}
    else:
        topics = set(base.topics) if base else set()
    topics |= {check_slug(t, rules.topics, "topic", "--add-topic") for t in inp.add_topics}
    topics -= {check_slug(t, rules.topics, "topic", "--remove-topic") for t in inp.remove_topics}
    fmt = (
        check_slug(inp.format, rules.formats, "format", "--format")
        if inp.format is not None and inp.format.strip()
        else (None if inp.format is not None else (base.format if base else None))
    )
    entry = Entry(
        id=base.id if base else 0,
        title=title,
        date=start,
        end_date=end,
        provider=provider,
        category=category,
        credits=credits,
        minutes=minutes_stored,
        kind=kind_slug,
        topics=tuple(sorted(topics)),
        format=fmt,
        url=_optional_text(inp.url, "--url", base.url if base else None),
        notes=_optional_text(inp.notes, "--notes", base.notes if base else None),
        certificate_sha256=base.certificate_sha256 if base else None,
        certificate_name=base.certificate_name if base else None,
        source=base.source if base else "typed",
        moc_points=(
            parse_moc_points(inp.moc_points)
            if inp.moc_points is not None
            else (base.moc_points if base else None)
        ),
    )
    return Built(entry, tuple(messages + notices), tuple(notices))
