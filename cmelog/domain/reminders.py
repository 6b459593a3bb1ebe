"""When `cmelog remind` speaks, and what it says. Pure: no I/O, no framework imports.

A reminder window is the last N days before the renewal date (`--days N`, default 60). Inside
it, the milestones are N, 30, 14, 7, 1 and 0 days left (those not above N). Without `--every`,
a reminder is spoken once per milestone of a cycle: the milestone of a day is the smallest
milestone at or above the days left, and the caller records each milestone once spoken.
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Sequence
from datetime import date

from cmelog.domain.credits import format_credits
from cmelog.domain.model import Renewal, RequirementResult

FIXED_MILESTONES: tuple[int, ...] = (30, 14, 7, 1, 0)
TEXT_WIDTH = 78


def milestones(days: int) -> tuple[int, ...]:
    """The milestones of a window of `days` days, largest first: N itself, then 30, 14, 7, 1, 0
    when not above N. `milestones(60) == (60, 30, 14, 7, 1, 0)`."""
    if days < 0:
        raise ValueError(f"a reminder window cannot be negative: {days} days")
    return tuple(sorted({days, *(m for m in FIXED_MILESTONES if m <= days)}, reverse=True))


def milestone_for(days_left: int, days: int) -> int | None:
    """The milestone a day belongs to: the smallest milestone at or above `days_left`.

    None outside the window (renewal already passed, or more than `days` days away).
    """
    if days_left < 0 or days_left > days:
        return None
    return min(m for m in milestones(days) if m >= days_left)


def should_speak(
    days_left: int, days: int, already_sent: Collection[int], every: bool
) -> int | None:
    """The milestone to remind for now, or None to stay silent.

    Inside the window: always with `every`, otherwise only when this day's milestone has not
    been spoken yet in this cycle (the caller then records the returned milestone as sent).
    """
    milestone = milestone_for(days_left, days)
    if milestone is None:
        return None
    if every or milestone not in already_sent:
        return milestone
    return None


def _relative(target: date, as_of: date) -> str:
    """'today', 'tomorrow', 'in 45 days', 'yesterday', '3 days ago'."""
    delta = (target - as_of).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta > 1:
        return f"in {delta} days"
    if delta == -1:
        return "yesterday"
    return f"{-delta} days ago"


def _deadline_status(target: date, as_of: date) -> str:
    """'passed' for a date before as-of, otherwise when it comes."""
    if target < as_of:
        return "passed"
    return _relative(target, as_of)


def _training_label(label: str) -> str:
    return label if "training" in label.lower() else f"{label} training"


def _requirement_line(r: RequirementResult) -> str:
    """What remains of one unmet requirement, in one sentence."""
    remaining = r.remaining
    if r.required is None:
        return f"{_training_label(r.label)}: not yet recorded"
    if remaining is None or remaining == 0:
        # an unmet requirement with nothing left in credits (should not happen; say it plainly)
        return f"{r.label}: not yet met"
    needed = f"{format_credits(remaining)} of {format_credits(r.required)} credits still needed"
    return f"{r.label}: {needed}"


def _fill(text: str, indent: str = "", subsequent: str = "") -> str:
    return textwrap.fill(
        text,
        width=TEXT_WIDTH,
        initial_indent=indent,
        subsequent_indent=subsequent,
        break_long_words=True,
        break_on_hyphens=False,
    )


def reminder_text(renewal: Renewal, requirements: Sequence[RequirementResult]) -> str:
    """The reminder as plain text for an email: no colour, no box drawing, lines <= 78 chars."""
    as_of = renewal.as_of
    r_date = renewal.renewal_date
    paragraphs: list[str] = []

    when = _relative(r_date, as_of)
    head = f"CME reminder: your medical license renews on {r_date.isoformat()} ({when})."
    paragraphs.append(_fill(head))
    detail = f"The license expires at 11:59 p.m. on {r_date.isoformat()}."
    if renewal.source == "estimated":
        detail += (
            " This renewal date is estimated from the initial license date; enter the"
            " expiration date printed on your license with"
            " 'cmelog profile set --license-expires DATE'."
        )
    paragraphs.append(_fill(detail))

    dates = [("Renewal application mailed by the Board:", renewal.application_mailing_date)]
    if renewal.waiver_deadline is not None:
        dates.append(("Waiver request due by:", renewal.waiver_deadline))
    width = max(len(label) for label, _ in dates)
    paragraphs.append(
        "\n".join(
            _fill(f"{label.ljust(width)} {d.isoformat()} ({_deadline_status(d, as_of)})")
            for label, d in dates
        )
    )

    unmet = [r for r in requirements if r.applies and not r.met]
    if unmet:
        lines = ["Still to do this cycle:"]
        lines += [_fill(_requirement_line(r), indent="- ", subsequent="  ") for r in unmet]
        paragraphs.append("\n".join(lines))
    else:
        paragraphs.append(
            _fill(
                "Every CME requirement for this cycle is met; only the renewal application "
                "is left to file."
            )
        )

    paragraphs.append(_fill("Run 'cmelog status' for details."))
    return "\n\n".join(paragraphs) + "\n"


def pending(days_left: int, days: int, already_sent: Collection[int]) -> list[int]:
    """The milestones still to be spoken in this cycle, in the order they come: this day's
    milestone when it has not been spoken, then every later (smaller) one not yet spoken."""
    if days_left < 0:
        return []
    current = milestone_for(days_left, days)
    later = [m for m in milestones(days) if m < days_left and m != current]
    return [m for m in ([current] if current is not None else []) + later if m not in already_sent]


def next_milestone(
    renewal_date: date, as_of: date, days: int, already_sent: Collection[int]
) -> tuple[int, date] | None:
    """The next reminder of this cycle: (milestone, the day it is due), or None when every
    milestone of the cycle has been spoken. A milestone due but not yet spoken is due as-of."""
    from datetime import timedelta

    left = (renewal_date - as_of).days
    todo = pending(left, days, already_sent)
    if not todo:
        return None
    m = todo[0]
    return m, max(renewal_date - timedelta(days=m), as_of)


def short_text(renewal: Renewal, requirements: Sequence[RequirementResult]) -> str:
    """The reminder in a few lines, for a desktop notification."""
    r_date = renewal.renewal_date
    lines = [f"Your medical license renews on {r_date.isoformat()}."]
    unmet = [r for r in requirements if r.applies and not r.met]
    if unmet:
        parts = []
        for r in unmet[:4]:
            if r.required is None or r.remaining is None:
                parts.append(r.label)
            else:
                parts.append(f"{r.label} {format_credits(r.remaining)}")
        more = f" and {len(unmet) - 4} more" if len(unmet) > 4 else ""
        lines.append("Still missing: " + "; ".join(parts) + more + ".")
    else:
        lines.append("Every CME requirement is met; file the renewal application.")
    if renewal.waiver_deadline is not None and renewal.waiver_deadline >= renewal.as_of:
        lines.append(f"Waiver requests due by {renewal.waiver_deadline.isoformat()}.")
    lines.append("Run 'cmelog status' for details.")
    return "\n".join(lines)


def milestone_name(milestone: int) -> str:
    """'60-day', '1-day', or 'renewal-day' for the day itself: as in 'the 60-day reminder'."""
    return "renewal-day" if milestone == 0 else f"{milestone}-day"


def days_before(milestone: int) -> str:
    """'60 days before', '1 day before', 'on the day' (of the renewal)."""
    if milestone == 0:
        return "on the day"
    return f"{milestone} day{'s' if milestone != 1 else ''} before"
