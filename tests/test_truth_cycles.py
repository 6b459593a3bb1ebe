"""Issue 9 (audit truth), dates: first renewal with both dates, "one year before", three months."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from cmelog.domain.cycles import (
    cycle_ending,
    first_renewal,
    renewal_on_or_after,
    renewal_status,
)
from cmelog.domain.dates import minus_months, one_year_before
from cmelog.domain.engine import evaluate
from cmelog.domain.model import CycleWindow, Entry, Profile
from cmelog.rules import load_rules

RULES = load_rules("MA")
D = date.fromisoformat


def P(birthday: str, expires: str | None = None, issued: str | None = None) -> Profile:
    return Profile(
        "Dr. Test",
        D(birthday),
        "1",
        license_expires=D(expires) if expires else None,
        license_issued=D(issued) if issued else None,
    )


# ------------------------------------------------------------------ first renewal, both dates
def test_new_licensee_keeps_renewal_when_the_printed_date_is_entered() -> None:
    """The finding: born 1990-06-15, licensed 2024-04-01, printed 2026-06-15."""
    estimated = P("1990-06-15", issued="2024-04-01")
    printed = P("1990-06-15", expires="2026-06-15", issued="2024-04-01")
    for p in (estimated, printed):
        r = renewal_status(p, D("2024-05-20"))
        assert r.renewal_date == D("2026-06-15")
        assert r.current == CycleWindow(D("2024-04-01"), D("2026-06-15"))
        assert r.previous is None
    assert renewal_status(printed, D("2024-05-20")).source == "license"


def test_license_outside_the_three_months_renews_on_the_first_series_date() -> None:
    p = P("1990-06-15", expires="2026-06-15", issued="2024-03-14")  # before 2024-03-15
    assert first_renewal(p, RULES.renewal) == D("2024-06-15")
    assert cycle_ending(p, D("2024-06-15"), RULES.renewal).start == D("2024-03-14")
    # the day that starts the three months is inside them
    q = P("1990-06-15", expires="2026-06-15", issued="2024-03-15")
    assert first_renewal(q, RULES.renewal) == D("2026-06-15")


def test_three_months_before_a_day_the_month_lacks_is_that_months_last_day() -> None:
    # S = 2024-05-31: three months before is 2024-02-29 (leap), 2025: 02-28
    p = P("1990-05-31", expires="2026-05-31", issued="2024-02-29")
    assert first_renewal(p, RULES.renewal) == D("2026-05-31")
    p = P("1990-05-31", expires="2026-05-31", issued="2024-02-28")
    assert first_renewal(p, RULES.renewal) == D("2024-05-31")


def test_printed_leap_day_in_the_series_with_a_new_license() -> None:
    # born 29 Feb, printed 2028-02-29; licensed 2025-12-20: S = 2026-02-28, within three months
    p = P("1992-02-29", expires="2028-02-29", issued="2025-12-20")
    assert first_renewal(p, RULES.renewal) == D("2028-02-29")
    assert renewal_on_or_after(p, D("2026-01-01"), RULES.renewal) == D("2028-02-29")


DATES = st.dates(date(1950, 1, 1), date(2150, 12, 31))


@given(DATES, DATES, st.integers(-3, 3))
def test_first_renewal_with_both_dates_follows_the_rule(
    birthday: date, issued: date, k: int
) -> None:
    """S: first series date after L; S + 2 years when L is within the three months before S."""
    from cmelog.domain.dates import on_birthday

    printed = on_birthday(birthday, issued.year + 2 * k)
    p = Profile("x", birthday, "1", license_expires=printed, license_issued=issued)
    first = first_renewal(p, RULES.renewal)
    assert first is not None
    s = on_birthday(birthday, printed.year + 2 * ((issued.year - printed.year) // 2))
    while s <= issued:
        s = on_birthday(birthday, s.year + 2)
    while on_birthday(birthday, s.year - 2) > issued:
        s = on_birthday(birthday, s.year - 2)
    expected = on_birthday(birthday, s.year + 2) if issued >= minus_months(s, 3) else s
    assert first == expected
    assert (first.year - printed.year) % 2 == 0
    assert cycle_ending(p, first, RULES.renewal).start == issued
    assert timedelta(days=0) < first - issued <= timedelta(days=2 * 366 + 93)


# ------------------------------------------------------------------ calendar arithmetic
@given(DATES)
def test_one_year_before_is_the_same_calendar_day(d: date) -> None:
    y = one_year_before(d)
    if (d.month, d.day) == (2, 29):
        assert y == date(d.year - 1, 2, 28)
    else:
        assert (y.year, y.month, y.day) == (d.year - 1, d.month, d.day)


@given(DATES, st.integers(1, 24))
def test_minus_months_is_the_same_day_or_that_months_last_day(d: date, n: int) -> None:
    m = minus_months(d, n)
    assert (d.year * 12 + d.month) - (m.year * 12 + m.month) == n
    last = calendar.monthrange(m.year, m.month)[1]
    assert m.day == min(d.day, last)


# ------------------------------------------------------------------ residency within the year
def _residency_satisfies(renewal: date, trained: date) -> bool:
    p = Profile("x", date(1980, renewal.month, renewal.day), "1", license_expires=renewal)
    window = cycle_ending(p, renewal, RULES.renewal)
    e = Entry(1, "PGY", trained, 1000, 1, kind="residency")
    ev = evaluate(RULES, p, window, [e] if window.contains(trained) else [])
    return next(r for r in ev.requirements if r.id == "total").met


def test_residency_on_the_same_day_a_year_before_across_29_february() -> None:
    """The finding: 365 days misses the first day when a 29 February falls between."""
    assert _residency_satisfies(D("2024-03-14"), D("2023-03-14"))  # 366 days before
    assert not _residency_satisfies(D("2024-03-14"), D("2023-03-13"))
    assert _residency_satisfies(D("2025-03-14"), D("2024-03-14"))
    assert not _residency_satisfies(D("2025-03-14"), D("2024-03-13"))


def test_residency_a_year_before_a_29_february_renewal_counts_from_28_february() -> None:
    p = Profile("x", D("1980-02-29"), "1", license_expires=D("2028-02-29"))
    window = cycle_ending(p, D("2028-02-29"), RULES.renewal)
    for trained, met in ((D("2027-02-28"), True), (D("2027-02-27"), False)):
        e = Entry(1, "PGY", trained, 1000, 1, kind="residency")
        ev = evaluate(RULES, p, window, [e])
        assert next(r for r in ev.requirements if r.id == "total").met is met


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.integers(0, 800))
@example(date(2028, 3, 14), 366)
@example(date(2028, 3, 14), 367)
def test_residency_satisfies_exactly_from_the_same_day_a_year_before(
    renewal: date, back: int
) -> None:
    trained = renewal - timedelta(days=back)
    if (renewal.month, renewal.day) == (2, 29):
        return  # a 29 February renewal is pinned above
    assert _residency_satisfies(renewal, trained) == (trained >= one_year_before(renewal))
