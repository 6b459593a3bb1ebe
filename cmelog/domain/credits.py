"""Exact credit arithmetic. Credits are integer hundredths; time is an exact Fraction.

Rounding rule (rules.md): 60 minutes = 1 credit, claimed in 0.25 increments, rounded to the
nearest quarter, an exact half rounding up.
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from fractions import Fraction

# re-exported: defined import-free for the light read paths (`list` in a pipe, `show`)
from cmelog.domain.figures import format_credits as format_credits
from cmelog.domain.figures import short_credits as short_credits
from cmelog.errors import UsageError

HUNDREDTHS_PER_CREDIT = 100
QUARTER = 25  # hundredths
MAX_AMOUNT = Decimal(1_000_000)  # credits, minutes or hours: far above any real activity
MAX_PLACES = 12  # decimal places kept exactly

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


def parse_decimal(text: str, option: str) -> Decimal:
    """A finite, positive decimal number written in plain digits, or a UsageError."""
    raw = text.strip()
    if not _PLAIN_NUMBER.fullmatch(raw):
        raise UsageError(f"{option} {text!r} is not a number; give a positive number such as 1.5.")
    value = Decimal(raw)  # exact: at most 7 + MAX_PLACES digits once the bounds below hold
    if value <= 0:
        raise UsageError(f"{option} {text!r} must be greater than zero.")
    if value > MAX_AMOUNT:
        raise UsageError(
            f"{option} {text!r} is out of range; give a positive number up to {MAX_AMOUNT}."
        )
    if len(raw.partition(".")[2].rstrip("0")) > MAX_PLACES:
        raise UsageError(
            f"{option} {text!r} has more than {MAX_PLACES} decimal places; give a shorter number."
        )
    return value


def credits_from_decimal(value: Decimal, option: str = "--credits") -> int:
    """Designated credits with at most two decimals, as hundredths."""
    scaled = value * HUNDREDTHS_PER_CREDIT
    if scaled != scaled.to_integral_value():
        raise UsageError(
            f"{option} {format(value, 'f')} has more than two decimal places; "
            "credits are recorded to the hundredth (for example 1.25)."
        )
    return int(scaled)


_HUNDREDTHS = re.compile(r"([0-9]{1,7})(?:\.([0-9]{1,2}))?", re.ASCII)
_MAX_HUNDREDTHS = int(MAX_AMOUNT) * HUNDREDTHS_PER_CREDIT


def credits_from_text(text: str, option: str = "--credits") -> int:
    """Designated credits as typed, as hundredths: `credits_from_decimal(parse_decimal(text,
    option), option)`, with its refusals; the common case (digits, at most two decimals, in
    range) is read in integers, without a Decimal (import reads thousands of them)."""
    plain = _HUNDREDTHS.fullmatch(text.strip())
    if plain is not None:
        whole, places = plain.groups()
        value = int(whole) * HUNDREDTHS_PER_CREDIT + (int(places.ljust(2, "0")) if places else 0)
        if 0 < value <= _MAX_HUNDREDTHS:
            return value
    return credits_from_decimal(parse_decimal(text, option), option)


def round_to_quarter(hundredths: Fraction | int) -> int:
    """Nearest multiple of 0.25 credit (25 hundredths), exact halves up."""
    quarters = Fraction(hundredths) / QUARTER
    whole = quarters.numerator // quarters.denominator  # floor
    if quarters - whole >= Fraction(1, 2):
        whole += 1
    return whole * QUARTER


def credits_from_minutes(minutes: Fraction, per_hour: int = 1) -> int:
    """Time spent -> credits in hundredths, rounded to the nearest quarter credit."""
    return round_to_quarter(minutes * per_hour * HUNDREDTHS_PER_CREDIT / 60)


def minutes_text(minutes: Fraction) -> str:
    """Exact minutes as a plain decimal string ("95", "7.5"); repeating decimals keep 6 places."""
    if minutes.denominator == 1:
        return str(minutes.numerator)
    with localcontext() as ctx:
        ctx.prec = 60
        d = Decimal(minutes.numerator) / Decimal(minutes.denominator)
        if Fraction(d) != minutes:  # a repeating decimal: keep 6 places
            d = d.quantize(Decimal("0.000001"))
        return format(d.normalize(), "f")


def credits_phrase(hundredths: int, *, exact: bool = False) -> str:
    """The figure with its noun in the right number: "1 credit", "1.5 credits"; with `exact`,
    two decimals ("1.00 credit")."""
    figure = format_credits(hundredths) if exact else short_credits(hundredths)
    return f"{figure} {'credit' if hundredths == 100 else 'credits'}"


def json_number(hundredths: int) -> int | float:
    """A JSON number that is exactly the decimal value: 5000 -> 50, 150 -> 1.5."""
    if hundredths % 100 == 0:
        return hundredths // 100
    # float(h / 100) prints as the shortest round-tripping decimal, which is the 2-place value
    return hundredths / 100


def minutes_json(text: str | None) -> int | float | None:
    if text is None:
        return None
    d = Decimal(text)
    if d == d.to_integral_value():
        return int(d)
    return float(d)
