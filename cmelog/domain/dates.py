"""Date parsing and calendar arithmetic (29 February aware). Pure."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from cmelog.errors import UsageError

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_YEAR, MAX_YEAR = 1900, 2199  # keeps every derived date (cycles, deadlines) in range


def parse_date(text: str, today: date, option: str = "date") -> date:
    """`YYYY-MM-DD`, `today` or `yesterday`."""
    raw = text.strip().lower()
    if raw == "today":
        return today
    if raw == "yesterday":
        return today - timedelta(days=1)
    if _ISO.match(raw):
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= value.year <= MAX_YEAR:
                return value
            raise UsageError(
                f"{option} {text!r} is out of range; give a date between {MIN_YEAR} and {MAX_YEAR}."
            )
    from cmelog.domain.suggest import iso_suggestion  # suggest imports this module

    hint = iso_suggestion(text)
    if hint is not None and hint != text.strip():
        raise UsageError(
            f"{option} {text.strip()!r} is not written YYYY-MM-DD; did you mean {hint}?"
        )
    raise UsageError(
        f"{option} {text!r} is not a valid date; use YYYY-MM-DD (for example 2026-03-14), "
        "'today' or 'yesterday'."
    )


def on_birthday(birthday: date, year: int) -> date:
    """The birthday in `year`; 29 February falls back to 28 February in common years."""
    if birthday.month == 2 and birthday.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, birthday.month, birthday.day)


def minus_months(d: date, months: int) -> date:
    """Same day `months` earlier, clamped to the month's last day."""
    total = d.year * 12 + (d.month - 1) - months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def one_year_before(d: date) -> date:
    """The same calendar day one year earlier; 29 February counts from 28 February."""
    return minus_months(d, 12)
