"""Exact credit arithmetic (rules.md "Rounding"): integer hundredths, quarter rounding of time."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmelog.domain.credits import (
    credits_from_decimal,
    credits_from_minutes,
    format_credits,
    json_number,
    minutes_json,
    minutes_text,
    parse_decimal,
    round_to_quarter,
    short_credits,
)
from cmelog.errors import ExitStatus, UsageError

# ---------------------------------------------------------------------------- rounding table

# (minutes as typed, credits in hundredths): 60 min = 1 credit, nearest quarter, halves up.
MINUTES_TABLE = [
    ("7", 0),  # 0.1167 credit: rounds to 0 (refused by add)
    ("7.4999", 0),
    ("7.5", 25),  # exactly half a quarter: up
    ("8", 25),
    ("15", 25),
    ("22.4999", 25),
    ("22.5", 50),  # exact half: up
    ("30", 50),
    ("37.5", 75),
    ("45", 75),
    ("52.4", 75),
    ("52.5", 100),  # exact half: up to 1.0
    ("60", 100),
    ("67.4", 100),
    ("67.5", 125),
    ("90", 150),
    ("95", 150),  # 1.5833 -> 1.50
    ("97.5", 175),
    ("120", 200),
    ("600", 1000),
]


@pytest.mark.parametrize(("minutes", "expected"), MINUTES_TABLE)
def test_minutes_round_to_nearest_quarter_halves_up(minutes: str, expected: int) -> None:
    assert credits_from_minutes(Fraction(Decimal(minutes))) == expected


HOURS_TABLE = [
    ("0.125", 25),  # 7.5 minutes: exactly half a quarter, rounds up to 0.25
    ("0.12", 0),  # 7.2 minutes
    ("0.375", 50),  # 22.5 minutes
    ("0.875", 100),  # 52.5 minutes
    ("1", 100),
    ("1.5", 150),
    ("1.6", 150),  # 96 minutes
    ("2.125", 225),  # 127.5 minutes: exact half, up
]


@pytest.mark.parametrize(("hours", "expected"), HOURS_TABLE)
def test_hours_convert_exactly_before_rounding(hours: str, expected: int) -> None:
    assert credits_from_minutes(Fraction(Decimal(hours)) * 60) == expected


def test_teaching_rate_two_credits_per_hour() -> None:
    assert credits_from_minutes(Fraction(60), per_hour=2) == 200
    assert credits_from_minutes(Fraction(45), per_hour=2) == 150
    assert credits_from_minutes(Fraction(Decimal("3.75")), per_hour=2) == 25  # 0.125 -> 0.25


@pytest.mark.parametrize(
    ("hundredths", "expected"),
    [
        (0, 0),
        (12, 0),
        (Fraction(25, 2), 25),  # 0.125 exactly: half up
        (13, 25),
        (25, 25),
        (37, 25),
        (Fraction(75, 2), 50),  # 0.375: half up
        (38, 50),
        (133, 125),
        (138, 150),
        (162, 150),
        (163, 175),
    ],
)
def test_round_to_quarter(hundredths: Fraction | int, expected: int) -> None:
    assert round_to_quarter(hundredths) == expected


# ---------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", Decimal("1.5")),
        (" 2 ", Decimal(2)),
        ("0.25", Decimal("0.25")),
        (".5", Decimal("0.5")),
    ],
)
def test_parse_decimal_accepts_plain_positive_numbers(text: str, expected: Decimal) -> None:
    assert parse_decimal(text, "--credits") == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "abc",
        "1,5",
        "1.5.2",
        "nan",
        "NaN",
        "sNaN",
        "inf",
        "-inf",
        "Infinity",
        "0",
        "0.0",
        "-1",
        "-0.25",
        "1e30",  # exponent notation: not plain digits
        "1e-99999999999",  # would build a 10**99999999999 denominator
        "1E999999999",
        "١٢",  # Arabic-Indic digits
        "１",  # fullwidth digit
        "1_000",
        "0x10",
        "1000001",  # out of range
        "0.0000000000001",  # 13 decimal places
    ],
)
def test_parse_decimal_refuses_with_usage_error(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_decimal(text, "--minutes")
    assert info.value.status == ExitStatus.USAGE
    assert "--minutes" in info.value.message
    assert repr(text) in info.value.message


def test_parse_decimal_bounds_are_inclusive() -> None:
    assert parse_decimal("1000000", "--minutes") == Decimal(1_000_000)
    assert parse_decimal("0.000000000001", "--hours") == Decimal("1e-12")
    assert parse_decimal("1.500000000000000000000", "--hours") == Decimal("1.5")  # zeros only


@pytest.mark.parametrize(
    ("value", "expected"), [("1", 100), ("1.5", 150), ("0.01", 1), ("1.25", 125), ("12.34", 1234)]
)
def test_credits_from_decimal(value: str, expected: int) -> None:
    assert credits_from_decimal(Decimal(value)) == expected


@pytest.mark.parametrize("value", ["1.333", "0.001", "1.005", "2.2500001"])
def test_credits_with_more_than_two_decimals_refused(value: str) -> None:
    with pytest.raises(UsageError) as info:
        credits_from_decimal(parse_decimal(value, "--credits"))
    assert "two decimal places" in info.value.message


def test_credits_with_many_trailing_decimals_never_silently_truncated() -> None:
    # 1 + 10**-31 is not a two-decimal value; it used to be stored as 1.00 (precision 28)
    with pytest.raises(UsageError):
        credits_from_decimal(parse_decimal("1.0000000000000000000000000000001", "--credits"))


# ---------------------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (Fraction(95), "95"),
        (Fraction(15, 2), "7.5"),
        (Fraction(Decimal("0.125")) * 60, "7.5"),
        (Fraction(Decimal("22.4999999")), "22.4999999"),  # kept exactly, not "22.5"
        (Fraction(Decimal("0.3333333")) * 60, "19.999998"),
        (Fraction(1, 3), "0.333333"),  # repeating: 6 places
    ],
)
def test_minutes_text_keeps_the_time_as_given(minutes: Fraction, text: str) -> None:
    assert minutes_text(minutes) == text


def test_format_and_json_numbers() -> None:
    assert format_credits(150) == "1.50"
    assert format_credits(5) == "0.05"
    assert format_credits(-125) == "-1.25"
    assert short_credits(5000) == "50"
    assert short_credits(150) == "1.5"
    assert short_credits(125) == "1.25"
    assert json_number(5000) == 50 and isinstance(json_number(5000), int)
    assert json_number(150) == 1.5
    assert json_number(1) == 0.01
    assert minutes_json("95") == 95 and isinstance(minutes_json("95"), int)
    assert minutes_json("7.5") == 7.5
    assert minutes_json(None) is None


# ---------------------------------------------------------------------------- properties

exact_minutes = st.fractions(min_value=0, max_value=100_000, max_denominator=1000)


@settings(max_examples=300, deadline=None)
@given(exact_minutes)
def test_rounding_is_idempotent(minutes: Fraction) -> None:
    once = credits_from_minutes(minutes)
    assert once % 25 == 0
    assert round_to_quarter(once) == once


@settings(max_examples=300, deadline=None)
@given(exact_minutes)
def test_never_off_by_more_than_seven_and_a_half_minutes(minutes: Fraction) -> None:
    credits = credits_from_minutes(minutes)
    exact_hundredths = minutes * 100 / 60
    error = Fraction(credits) - exact_hundredths
    # at most half a quarter (0.125 credit = 7.5 minutes) off, and never down at an exact half
    assert -Fraction(25, 2) < error <= Fraction(25, 2)


@settings(max_examples=300, deadline=None)
@given(st.fractions(min_value=0, max_value=10_000, max_denominator=1000))
def test_rounding_is_monotonic(minutes: Fraction) -> None:
    assert credits_from_minutes(minutes) <= credits_from_minutes(minutes + Fraction(1, 1000))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=100_000_00), max_size=50))
def test_sums_of_hundredths_are_exact(hundredths: list[int]) -> None:
    total = sum(hundredths)
    as_decimal = sum((Decimal(format_credits(h)) for h in hundredths), Decimal(0))
    assert Decimal(format_credits(total)) == as_decimal
    # the JSON number of the sum is the exact decimal value (no binary drift)
    assert Decimal(str(json_number(total))) == as_decimal


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1_000_000), places=2))
def test_two_decimal_credits_round_trip(value: Decimal) -> None:
    hundredths = credits_from_decimal(parse_decimal(str(value), "--credits"))
    assert Decimal(format_credits(hundredths)) == value
    assert Decimal(str(json_number(hundredths))) == value


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("0.000000000001"), max_value=Decimal(100_000), places=12))
def test_minutes_text_is_exact_for_typed_decimals(value: Decimal) -> None:
    text = format(value, "f")
    minutes = Fraction(parse_decimal(text, "--minutes"))
    assert Fraction(Decimal(minutes_text(minutes))) == minutes
